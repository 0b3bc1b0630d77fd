#!/usr/bin/env python3
"""The Python side of bench/langid.py: label every line of stdin, print `LABEL<TAB>SCORE` per line on stdout, and
on stderr one JSON line with the CPU seconds (time.process_time) of the labelling loop alone.

  langid_py.py fasttext MODEL      fasttext-predict, top-1 of lid.176 (newlines cannot occur: one text a line)
  langid_py.py lingua-idms         lingua restricted to {Indonesian, Malay}, models preloaded (as run-baselines.py)
  langid_py.py lingua-hbs          lingua restricted to {Bosnian, Croatian, Serbian}, models preloaded
"""
import json
import sys
import time


def main():
    kind = sys.argv[1]
    t_load = time.process_time()
    if kind == "fasttext":
        import fasttext  # provided by fasttext-predict
        model = fasttext.load_model(sys.argv[2])

        def label(text):
            labels, probs = model.predict(text, k=1)
            return (labels[0].replace("__label__", ""), float(probs[0])) if labels else ("", 0.0)
    elif kind in ("lingua-idms", "lingua-hbs"):
        from lingua import Language, LanguageDetectorBuilder
        languages = {"lingua-idms": (Language.INDONESIAN, Language.MALAY),
                     "lingua-hbs": (Language.BOSNIAN, Language.CROATIAN, Language.SERBIAN)}[kind]
        det = LanguageDetectorBuilder.from_languages(*languages).with_preloaded_language_models().build()

        def label(text):
            lang = det.detect_language_of(text)
            return ("none" if lang is None else lang.iso_code_639_1.name.lower()), 1.0
    else:
        raise SystemExit(f"unknown kind {kind}")
    load = time.process_time() - t_load
    texts = [line[:-1] if line.endswith("\n") else line for line in sys.stdin.buffer.read().decode("utf-8").split("\n")]
    if texts and texts[-1] == "":
        texts.pop()
    t0 = time.process_time()
    out = [label(t) for t in texts]
    loop = time.process_time() - t0
    sys.stdout.write("".join(f"{lab}\t{score:.4f}\n" for lab, score in out))
    print(json.dumps({"rows": len(texts), "load_cpu_s": load, "loop_cpu_s": loop}), file=sys.stderr)


if __name__ == "__main__":
    main()
