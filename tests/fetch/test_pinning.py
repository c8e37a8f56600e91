"""Connections go to the vetted addresses only; an unvetted host is never dialled."""

from __future__ import annotations

from typing import TYPE_CHECKING

import httpcore
import httpx
import pytest

from newsdesk.fetch.pinning import PinnedAddresses, PinnedBackend, PinnedTransport

if TYPE_CHECKING:
    from conftest import PartnerSite


def test_unvetted_host_is_refused_without_resolving() -> None:
    backend = PinnedBackend(PinnedAddresses())
    with pytest.raises(httpcore.ConnectError, match=r"eropa.example has no vetted address"):
        backend.connect_tcp("eropa.example", 80)


def test_transport_dials_the_pinned_address_and_keeps_the_host_name(site: PartnerSite) -> None:
    pins = PinnedAddresses()
    pins.pin("Feeds.EROPA.test", ["127.0.0.1"])
    with httpx.Client(transport=PinnedTransport(pins)) as client:
        response = client.get(f"http://feeds.eropa.test:{site.port}/feed.xml")
    assert response.status_code == 200
    assert response.content == site.feed
    assert site.hits[-1].headers["host"] == f"feeds.eropa.test:{site.port}"


def test_transport_tries_each_pinned_address(site: PartnerSite) -> None:
    pins = PinnedAddresses()
    # 127.0.0.2 answers nothing on this port (the server is bound to 127.0.0.1 only).
    pins.pin("feeds.eropa.test", ["127.0.0.2", "127.0.0.1"])
    with httpx.Client(transport=PinnedTransport(pins)) as client:
        assert client.get(f"http://feeds.eropa.test:{site.port}/feed.xml").status_code == 200


def test_transport_errors_are_httpx_errors() -> None:
    with (
        httpx.Client(transport=PinnedTransport(PinnedAddresses())) as client,
        pytest.raises(httpx.ConnectError, match="no vetted address"),
    ):
        client.get("http://eropa.example/feed.xml")
