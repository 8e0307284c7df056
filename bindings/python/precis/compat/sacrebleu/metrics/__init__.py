"""sacrebleu's metrics: BLEU and chrF computed by precis; TER from an installed sacrebleu."""

from .bleu import BLEU, BLEUScore  # noqa: F401
from .chrf import CHRF, CHRFScore  # noqa: F401

_FROM_SACREBLEU = ("TER", "TERScore")


def __getattr__(name):
    if name in _FROM_SACREBLEU:
        from .. import _reference

        try:
            return getattr(_reference.load("sacrebleu.metrics", "TER"), name)
        except ImportError as e:
            raise AttributeError(str(e)) from e
    if name == "METRICS":
        metrics = {"BLEU": BLEU, "CHRF": CHRF}
        try:
            metrics["TER"] = __getattr__("TER")
        except AttributeError:
            pass  # no sacrebleu to take TER from
        return metrics
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
