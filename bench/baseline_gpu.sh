#!/usr/bin/env bash
# Times the official-size XACLE baselines on synthetic 10 s batches, random weights. 2026 recipe
# (BYOL-A AudioNTT2022 + roberta-large configuration): frozen encoders, fine-tuned encoders,
# predictor alone. 2027 recipe: M2D-CLAP-size embedding extraction (ViT-B/16 + BERT-base) and
# head training steps. Needs only torch and transformers: no data, no network. Runs in well
# under 5 minutes on one GPU. Smoke test on a CPU: bench/baseline_gpu.sh --device cpu --steps 1 --tiny
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-$([ -x .venv/bin/python ] && echo .venv/bin/python || echo python3)}
exec "$PYTHON" bench/baseline_gpu.py "$@"
