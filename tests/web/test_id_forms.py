"""Every id form the system prints (90, i90, p3-i90 for an indicator; 3, p3 for a plan) opens the
same page and API answer; a form naming another plan, or no id at all, is refused with a clear error."""

from __future__ import annotations

from webtools import login


def test_indicator_pages_accept_every_printed_id_form(client, seed) -> None:  # type: ignore[no-untyped-def]
    login(client, "planner")
    i, p = seed.doctors, seed.plan_id
    plain = client.get(f"/indicators/{i}")
    assert plain.status_code == 200
    for form in (f"p{p}-i{i}", f"i{i}", f"P{p}-I{i}"):
        r = client.get(f"/indicators/{form}")
        assert r.status_code == 200, (form, r.status_code)
        assert client.get(f"/api/indicators/{form}").json()["indicator"]["id"] == i
        assert client.get(f"/public/indicators/{form}").status_code == 200
        assert client.get(f"/api/public/indicators/{form}").json()["indicator"]["id"] == i


def test_plan_pages_accept_p_prefix(client, seed) -> None:  # type: ignore[no-untyped-def]
    login(client, "planner")
    p = seed.plan_id
    for url in (f"/plans/p{p}", f"/public/plans/p{p}", f"/plans/p{p}/document", f"/plans/p{p}/tasks"):
        assert client.get(url).status_code == 200, url
    assert client.get(f"/api/plans/p{p}").json()["plan"]["id"] == p


def test_an_id_naming_another_plan_or_no_id_is_refused(client, seed) -> None:  # type: ignore[no-untyped-def]
    login(client, "planner")
    i, p = seed.doctors, seed.plan_id
    assert client.get(f"/indicators/p{p + 1}-i{i}").status_code == 404
    assert client.get(f"/api/indicators/p{p + 1}-i{i}").status_code == 404
    r = client.get("/api/indicators/x90")
    assert r.status_code == 422
    assert "p3-i90" in r.text  # the error names the accepted forms
    assert client.get(f"/plans/p{p}-i{i}").status_code == 422  # an indicator's id is not a plan's
    assert client.get("/indicators/99999999999").status_code == 422
