"""Recovery codes: random, readable, and only ever compared through their salted hash."""

from matching.services.recovery_codes import (
    ALPHABET,
    hash_recovery_code,
    looks_like_recovery_code,
    new_recovery_codes,
    recovery_code_matches,
)


def test_a_set_has_ten_different_codes_without_look_alike_characters():
    codes = new_recovery_codes()
    assert len(codes) == 10 and len(set(codes)) == 10
    for code in codes:
        groups = code.split("-")
        assert [len(group) for group in groups] == [4, 4, 4, 4]
        assert set("".join(groups)) <= set(ALPHABET)
        assert not set("".join(groups)) & set("01IO")


def test_a_code_matches_its_hash_however_it_is_typed_and_no_other_code_does():
    code, other = new_recovery_codes(2)
    stored = hash_recovery_code(code)
    assert code not in stored and code.replace("-", "") not in stored
    assert recovery_code_matches(stored, code)
    assert recovery_code_matches(stored, f"  {code.lower().replace('-', ' ')} ")
    assert not recovery_code_matches(stored, other)


def test_the_same_code_hashes_differently_each_time_because_of_its_salt():
    code = new_recovery_codes(1)[0]
    assert hash_recovery_code(code) != hash_recovery_code(code)


def test_only_sixteen_characters_of_the_alphabet_look_like_a_recovery_code():
    assert looks_like_recovery_code(new_recovery_codes(1)[0])
    assert not looks_like_recovery_code("123456")
    assert not looks_like_recovery_code("ABCD-EFGH-JKLM-NPQ0")
