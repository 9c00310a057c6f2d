"""Audio and text encoders, chosen by name. Imports stay lazy so that bench/baseline_gpu.py can
import baseline.encoders.byola with torch alone."""

from baseline.errors import BaselineError

AUDIO_ENCODERS = ("aisfx", "byola")


def build_audio_encoder(name: str, pretrained: bool, checkpoint: str | None = None):
    if name == "aisfx":
        from baseline.encoders.aisfx import AisfxEncoder

        encoder = AisfxEncoder()
        if pretrained:
            encoder.load_official(checkpoint)
        return encoder
    if name == "byola":
        from baseline.encoders.byola import BYOLAEncoder

        encoder = BYOLAEncoder()
        if pretrained:
            if not checkpoint:
                raise BaselineError(
                    "--audio-encoder byola needs --checkpoint "
                    "PATH/AudioNTT2022-BYOLA-64x96d2048.pth (or --no-pretrained for random weights)"
                )
            encoder.load_official(checkpoint)
        return encoder
    raise BaselineError(f"unknown audio encoder {name!r}: use one of {', '.join(AUDIO_ENCODERS)}")
