"""The built-in detector's featurizer and scorer, the Python twin of src/Tokengate.Core/Screening/BuiltIn/BuiltInFeaturizer.cs.

Both sides must give the same numbers; tests/Tokengate.Core.Tests/Screening/BuiltIn/BuiltInFeaturizerTests.cs holds
scores this file printed (train.py --parity) and fails on any drift. Change one, change the other.

Text is handled as UTF-16 code units, as .NET strings are, with explicit casing rules (ASCII, Latin-1, basic Greek
and Cyrillic) rather than a library's Unicode tables, so the two sides cannot disagree on a character.

Features, all hashed (FNV-1a, 32 bit, then a mixer) into 2^BITS slots and counted:
  - character 3-, 4- and 5-grams over the normalized text (lowercase, whitespace runs collapsed to one space);
  - word unigrams and bigrams (words = runs of letters and digits).
A window's score is sigmoid(bias + sum(weights of its feature occurrences) / sqrt(number of occurrences)), which is
logistic regression over counts divided by sqrt(n). Because the sum is additive, a long text is cut into buckets of
STRIDE normalized characters and each window is two adjacent buckets (WINDOW = 2 * STRIDE characters, overlapping
by STRIDE), each feature counted once in the bucket where it starts; the text's score is the highest window's.
"""

import math

BITS = 18
DIM = 1 << BITS
STRIDE = 1000
WINDOW = 2 * STRIDE

M32 = 0xFFFFFFFF
FNV_OFFSET = 2166136261
FNV_PRIME = 16777619
WORD_OFFSET = FNV_OFFSET ^ 0x9E3779B9
BIGRAM_SALT = 0x5BD1E995
WHITESPACE = frozenset([9, 10, 11, 12, 13, 32, 0xA0, 0x2028, 0x2029, 0x3000, 0x200B, 0xFEFF])


def to_units(text):
    b = text.encode("utf-16-le", "surrogatepass")
    return [b[i] | (b[i + 1] << 8) for i in range(0, len(b), 2)]


def lower(u):
    if 65 <= u <= 90:
        return u + 32
    if u < 0xC0:
        return u
    if 0xC0 <= u <= 0xDE and u != 0xD7:
        return u + 32
    if 0x391 <= u <= 0x3A9 and u != 0x3A2:
        return u + 32
    if 0x410 <= u <= 0x42F:
        return u + 32
    if 0x400 <= u <= 0x40F:
        return u + 80
    return u


def is_word(u):
    if u < 128:
        return 48 <= u <= 57 or 97 <= u <= 122  # after lowering
    if u < 0xC0 or u == 0xD7 or u == 0xF7:
        return False
    if 0x2000 <= u <= 0x2BFF or 0x3000 <= u <= 0x303F or 0xD800 <= u <= 0xDFFF:
        return False
    if 0xFE00 <= u <= 0xFE0F or 0xFF00 <= u <= 0xFF0F:
        return False
    return True


def normalize(text):
    out = []
    space = False
    for u in to_units(text):
        if u in WHITESPACE:
            if not space:
                out.append(32)
                space = True
            continue
        space = False
        out.append(lower(u))
    return out


def mix(h):
    h ^= h >> 16
    h = (h * 0x45D9F3B) & M32
    h ^= h >> 16
    return h & (DIM - 1)


def features(text):
    """Yields (position, slot) for every feature occurrence, in the order the C# featurizer produces them."""
    c = normalize(text)
    n = len(c)
    prev_hash = None
    prev_start = 0
    word_hash = WORD_OFFSET
    word_start = -1
    for i in range(n + 1):
        u = c[i] if i < n else 32
        # words: a word ends at the first non-word unit (or the end)
        if i < n and is_word(u):
            if word_start < 0:
                word_start = i
                word_hash = WORD_OFFSET
            word_hash = ((word_hash ^ u) * FNV_PRIME) & M32
        elif word_start >= 0:
            yield word_start, mix(word_hash)
            if prev_hash is not None:
                b = (((prev_hash ^ BIGRAM_SALT) * FNV_PRIME) & M32) ^ word_hash
                yield prev_start, mix((b * FNV_PRIME) & M32)
            prev_hash, prev_start = word_hash, word_start
            word_start = -1
        if i >= n:
            break
        # character 3-, 4-, 5-grams starting at i
        if i + 3 <= n:
            h = FNV_OFFSET
            h = ((h ^ c[i]) * FNV_PRIME) & M32
            h = ((h ^ c[i + 1]) * FNV_PRIME) & M32
            h = ((h ^ c[i + 2]) * FNV_PRIME) & M32
            yield i, mix(h)
            if i + 4 <= n:
                h = ((h ^ c[i + 3]) * FNV_PRIME) & M32
                yield i, mix(h)
                if i + 5 <= n:
                    h = ((h ^ c[i + 4]) * FNV_PRIME) & M32
                    yield i, mix(h)


def counts(text):
    """Sparse counts of the whole text (training uses whole texts): (dict slot -> count, number of occurrences)."""
    d = {}
    total = 0
    for _, s in features(text):
        d[s] = d.get(s, 0) + 1
        total += 1
    return d, total


def sigmoid(z):
    if z >= 0:
        return 1.0 / (1.0 + math.exp(-z))
    e = math.exp(z)
    return e / (1.0 + e)


def score(text, weights, bias):
    """The detector's score of one text: whole text up to WINDOW characters, else the best window."""
    length = len(normalize(text))
    if length <= WINDOW:
        s, k = 0.0, 0
        for _, slot in features(text):
            s += weights[slot]
            k += 1
        return 0.0 if k == 0 else sigmoid(bias + s / math.sqrt(k))
    buckets = (length + STRIDE - 1) // STRIDE
    sums = [0.0] * buckets
    cnt = [0] * buckets
    for pos, slot in features(text):
        b = pos // STRIDE
        sums[b] += weights[slot]
        cnt[b] += 1
    best = 0.0
    for b in range(buckets - 1):
        k = cnt[b] + cnt[b + 1]
        if k:
            best = max(best, sigmoid(bias + (sums[b] + sums[b + 1]) / math.sqrt(k)))
    return best
