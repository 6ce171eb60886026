import pytest

from caseweight import codes


def test_code_list_is_put_in_canonical_order():
    assert codes.parse_code_list("maximum; minimum", codes.SECURITY_LEVELS, what="security level") == [
        "minimum",
        "maximum",
    ]


def test_unknown_code_in_a_list_is_named():
    with pytest.raises(codes.CodeError, match="'huge'"):
        codes.parse_code_list("minimum;huge", codes.SECURITY_LEVELS, what="security level")


def test_required_list_may_not_be_empty():
    with pytest.raises(codes.CodeError, match="at least one language"):
        codes.parse_code_list(" ; ", codes.LANGUAGES, what="language", required=True)
