import pytest

from common.privacy import mask_phone, phone_for

from ..factories import make_user


@pytest.mark.parametrize(
    ("phone", "masked"),
    [("138 1500 2301", "138****2301"), ("0519-82809011", "051****9011"), ("12345", "*****"), ("", "")],
)
def test_mask_phone(phone, masked):
    assert mask_phone(phone) == masked


@pytest.mark.parametrize(
    ("role", "full"), [("pm", True), ("staff", True), ("finance", False), ("auditor", False)]
)
def test_phone_for_roles(db, role, full):
    viewer = make_user(role)
    assert (phone_for("138 1500 2301", viewer) == "138 1500 2301") is full
