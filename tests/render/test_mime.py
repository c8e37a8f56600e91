"""Message building refuses header injection with one line naming the header."""

from __future__ import annotations

import pytest
from tests.newsletter_factory import sample_snapshot

from newsdesk.errors import MessageError
from newsdesk.render.mime import build_message


@pytest.mark.parametrize("field", ["subject", "sender_name", "test_to_address"])
def test_header_with_a_line_break_is_refused_naming_the_header(field: str) -> None:
    snapshot = sample_snapshot()
    evil = snapshot.model_copy(update={field: "x\r\nBcc: victim@example.org"})
    with pytest.raises(MessageError) as caught:
        build_message(evil, "text", "<p>html</p>")
    message = str(caught.value)
    assert "\n" not in message
    assert "line break" in message and snapshot.edition_key in message
