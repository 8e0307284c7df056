"""sacrebleu's tokenizer base class."""


class BaseTokenizer:
    """A tokenizer: ``signature()`` names it, ``tokenizer(line)`` returns the tokenized line."""

    def signature(self):
        raise NotImplementedError()

    def __call__(self, line):
        raise NotImplementedError()
