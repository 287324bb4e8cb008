"""Pacing keeps Crossref's limits with threads at the in-flight limit; retries are bounded."""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest
from crossref_standin import FaultPlan
from standins import StartStandin

from paperbib.enrich.crossref import POLITE_LIMITS, PUBLIC_LIMITS, CrossrefSource
from paperbib.enrich.pacing import Pacer, RetryPolicy, call_with_retries
from paperbib.errors import SourceError

MAILTO = "librarian@example.org"
QUERIES = [
    "deep learning",
    "residual learning image recognition",
    "protein structure prediction",
    "game of Go tree search",
    "generative adversarial networks",
    "long short-term memory",
]


def run_searches(source: CrossrefSource, count: int, policy: RetryPolicy | None = None) -> None:
    """``count`` searches on ``source.concurrency`` threads through one pacer."""
    pacer = source.pacer()
    policy = policy or RetryPolicy(attempts=1)

    def one(index: int) -> list[dict[str, Any]]:
        query = QUERIES[index % len(QUERIES)]
        return call_with_retries(lambda: source.search(query, rows=2), pacer, policy)

    with ThreadPoolExecutor(max_workers=source.concurrency) as pool:
        results = list(pool.map(one, range(count)))
    assert all(results)


@pytest.mark.parametrize("keep_alive", [False, True], ids=["fresh", "kept-alive"])
def test_polite_threads_keep_the_limits_and_come_near_the_rate(
    crossref_standin: StartStandin, keep_alive: bool
) -> None:
    """3 threads against 10/s and 3 in flight: zero violations, kept-alive connections reused."""
    server = crossref_standin(latency_s=0.05, enforce_limits=True, keep_alive=keep_alive)
    source = CrossrefSource(base_url=server.url, mailto=MAILTO, timeout=5)
    run_searches(source, 30)
    stats = server.stats
    assert stats.requests == 30
    assert (stats.limit_violations, stats.sent_429) == (0, 0)
    assert stats.max_in_flight <= POLITE_LIMITS.concurrency
    assert stats.max_in_window(1.0) <= POLITE_LIMITS.rate
    if keep_alive:
        assert stats.connections <= source.concurrency


def test_requests_held_back_on_their_way_do_not_crowd_a_second(
    crossref_standin: StartStandin,
) -> None:
    """Two in six sends held back 300 ms (a loaded machine): still 10 arrivals a second at most."""
    server = crossref_standin(latency_s=0.05, keep_alive=True)
    source = CrossrefSource(base_url=server.url, mailto=MAILTO, timeout=5)
    pacer = source.pacer()

    def held_back(index: int) -> list[dict[str, Any]]:
        def call() -> list[dict[str, Any]]:
            if index % 6 < 2:
                time.sleep(0.3)
            return source.search(QUERIES[0], rows=1)

        return call_with_retries(call, pacer, RetryPolicy(attempts=1))

    with ThreadPoolExecutor(max_workers=source.concurrency) as pool:
        list(pool.map(held_back, range(30)))
    stats = server.stats
    assert stats.requests == 30
    # Spacing starts alone let 11 in (3 violations in each of 5 runs).
    assert stats.max_in_window(1.0) <= POLITE_LIMITS.rate
    assert stats.limit_violations == 0


@pytest.mark.parametrize("keep_alive", [False, True], ids=["fresh", "kept-alive"])
def test_concurrency_bound_run_fills_every_slot(
    crossref_standin: StartStandin, keep_alive: bool
) -> None:
    """With 0.5 s answers the in-flight limit binds: all 3 slots used, no violation."""
    server = crossref_standin(latency_s=0.5, enforce_limits=True, keep_alive=keep_alive)
    source = CrossrefSource(base_url=server.url, mailto=MAILTO, timeout=5)
    run_searches(source, 12)
    stats = server.stats
    assert (stats.limit_violations, stats.sent_429) == (0, 0)
    assert stats.max_in_flight == POLITE_LIMITS.concurrency


def test_public_pool_runs_one_at_a_time_under_five_per_second(
    crossref_standin: StartStandin,
) -> None:
    """Without a mailto: one request in flight, at most 5 arrivals in any second."""
    server = crossref_standin(enforce_limits=True)
    source = CrossrefSource(base_url=server.url, timeout=5)
    assert source.concurrency == 1
    run_searches(source, 10)
    stats = server.stats
    assert (stats.limit_violations, stats.sent_429) == (0, 0)
    assert stats.max_in_flight == 1
    assert stats.max_in_window(1.0) <= PUBLIC_LIMITS.rate


def test_the_standin_catches_an_unpaced_burst(crossref_standin: StartStandin) -> None:
    """Control: six threads without a pacer break the limits, and the stand-in answers 429."""
    server = crossref_standin(latency_s=0.1, enforce_limits=True)
    source = CrossrefSource(base_url=server.url, mailto=MAILTO, timeout=5)
    barrier = threading.Barrier(6)
    refused: list[int | None] = []

    def unpaced() -> None:
        barrier.wait()
        try:
            source.search("deep learning", rows=1)
        except SourceError as error:
            refused.append(error.status)

    threads = [threading.Thread(target=unpaced) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    stats = server.stats
    assert stats.concurrency_violations >= 1
    assert stats.sent_429 == stats.limit_violations >= 1
    assert refused == [429] * stats.sent_429


def test_faults_are_retried_without_breaking_the_limits(crossref_standin: StartStandin) -> None:
    """With 25% transient faults, bounded retries finish every search and no limit is broken."""
    plan = FaultPlan(fraction=0.25, seed=3, retry_after_s=0.2, hang_s=2)
    server = crossref_standin(enforce_limits=True, faults=plan)
    source = CrossrefSource(base_url=server.url, mailto=MAILTO, timeout=0.3)
    run_searches(source, 24, RetryPolicy(attempts=8, base_delay=0.05, max_delay=1.0))
    stats = server.stats
    assert sum(stats.faults.values()) >= 4
    assert (stats.limit_violations, stats.concurrency_violations) == (0, 0)
    assert stats.by_status[200] - stats.faults["html-200"] - stats.faults["truncated"] == 24


# --- the pacer alone ----------------------------------------------------------------


def starts_in_slots(pacer: Pacer, threads: int, per_thread: int, hold: float) -> list[float]:
    starts: list[float] = []
    lock = threading.Lock()

    def work() -> None:
        for _ in range(per_thread):
            with pacer.slot():
                with lock:
                    starts.append(time.monotonic())
                time.sleep(hold)

    workers = [threading.Thread(target=work) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    return sorted(starts)


def test_starts_are_spaced_by_the_rate() -> None:
    """However many threads ask at once, the k-th start is scheduled k / rate after the first."""
    rate = 40.0
    now = 100.0
    planned: list[float] = []
    lock = threading.Lock()

    def record_sleep(seconds: float) -> None:
        with lock:
            planned.append(now + seconds)

    pacer = Pacer(rate, 4, clock=lambda: now, sleep=record_sleep)
    starts_in_slots(pacer, threads=4, per_thread=6, hold=0.0)
    expected = [now + k / rate for k in range(1, 24)]
    assert sorted(planned) == pytest.approx(expected)


def one_by_one(rate: float, limit: int, requests: int, answer_s: float) -> list[float]:
    """When ``requests`` made in turn through a pacer start, on a fake clock; each is answered
    ``answer_s`` after its start."""
    now = 0.0

    def advance(seconds: float) -> None:
        nonlocal now
        now += seconds

    pacer = Pacer(rate, 1, limit=limit, clock=lambda: now, sleep=advance)
    starts: list[float] = []
    for _ in range(requests):
        with pacer.slot():
            starts.append(now)
            advance(answer_s)  # the request may reach the server at any moment until here
    return starts


def test_a_slow_answer_keeps_its_request_in_the_window() -> None:
    """With a limit of 3 a second, a 4th start waits a full second after the 1st answer."""
    starts = one_by_one(100.0, limit=3, requests=4, answer_s=0.4)
    assert starts[:3] == pytest.approx([0.0, 0.4, 0.8])
    assert starts[3] == pytest.approx(0.4 + 1.0)


def test_quick_answers_never_wait_for_the_window() -> None:
    """Spaced at 0.8 of a limit of 10 a second, answers of 0.1 s leave every start on schedule."""
    starts = one_by_one(8.0, limit=10, requests=30, answer_s=0.1)
    assert starts == pytest.approx([k / 8.0 for k in range(30)])


def test_a_limit_below_the_concurrency_is_refused() -> None:
    """A window that could not hold the requests in flight is refused up front."""
    with pytest.raises(ValueError, match="limit must be"):
        Pacer(10.0, 3, limit=2)


def test_no_more_than_concurrency_run_at_once() -> None:
    """A pacer with concurrency 2 never lets a third thread into a slot."""
    pacer = Pacer(1000.0, 2)
    inside = 0
    most = 0
    lock = threading.Lock()

    def work() -> None:
        nonlocal inside, most
        for _ in range(5):
            with pacer.slot():
                with lock:
                    inside += 1
                    most = max(most, inside)
                time.sleep(0.01)
                with lock:
                    inside -= 1

    workers = [threading.Thread(target=work) for _ in range(6)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join()
    assert most == 2


def test_back_off_delays_every_thread() -> None:
    """After back_off(0.3), no thread starts a request for 0.3 s."""
    pacer = Pacer(1000.0, 3)
    pacer.back_off(0.3)
    begun = time.monotonic()
    starts = starts_in_slots(pacer, threads=3, per_thread=1, hold=0.0)
    assert min(starts) - begun >= 0.29


@pytest.mark.parametrize(("rate", "concurrency"), [(0.0, 1), (5.0, 0)])
def test_pacer_rejects_impossible_limits(rate: float, concurrency: int) -> None:
    """A zero rate or zero concurrency is refused up front."""
    with pytest.raises(ValueError, match="must be"):
        Pacer(rate, concurrency)


# --- retries ------------------------------------------------------------------------


def failing(error: SourceError, times: int, calls: list[float]) -> Callable[[], str]:
    def call() -> str:
        calls.append(time.monotonic())
        if len(calls) <= times:
            raise error
        return "answer"

    return call


def test_gives_up_after_the_bounded_attempts() -> None:
    """A failure that never passes is tried `attempts` times, then the last error is raised."""
    calls: list[float] = []
    error = SourceError("crossref", "HTTP 500", transient=True, status=500)
    policy = RetryPolicy(attempts=4, base_delay=0.01, max_delay=0.05)
    with pytest.raises(SourceError) as raised:
        call_with_retries(failing(error, 100, calls), Pacer(100.0, 1), policy)
    assert raised.value is error
    assert len(calls) == 4


def test_permanent_failures_are_not_retried() -> None:
    """A 404 is raised at once, after one call."""
    calls: list[float] = []
    error = SourceError("crossref", "HTTP 404", transient=False, status=404)
    with pytest.raises(SourceError):
        call_with_retries(failing(error, 100, calls), Pacer(100.0, 1), RetryPolicy())
    assert len(calls) == 1


def test_retry_after_is_honoured_for_every_thread() -> None:
    """A 429 with Retry-After 0.3 s: the retry, and any other thread's request, wait 0.3 s."""
    calls: list[float] = []
    error = SourceError("crossref", "HTTP 429", transient=True, status=429, retry_after=0.3)
    pacer = Pacer(100.0, 2)
    policy = RetryPolicy(attempts=3, base_delay=5.0, max_delay=5.0)
    assert call_with_retries(failing(error, 1, calls), pacer, policy) == "answer"
    assert calls[1] - calls[0] >= 0.29
    other: list[float] = []
    error_time = calls[0]
    with pacer.slot():
        other.append(time.monotonic())
    assert other[0] - error_time >= 0.29


def test_a_retry_after_beyond_the_policy_ends_the_attempts() -> None:
    """Asked to wait longer than max_delay, the call fails now rather than retry too early."""
    calls: list[float] = []
    error = SourceError("crossref", "HTTP 429", transient=True, status=429, retry_after=3600)
    with pytest.raises(SourceError):
        call_with_retries(failing(error, 100, calls), Pacer(100.0, 1), RetryPolicy(max_delay=30))
    assert len(calls) == 1


def test_backoff_grows_exponentially_with_jitter_and_a_cap() -> None:
    """The n-th wait lies in [d/2, d] for d = base * 2^(n-1), never above max_delay."""
    policy = RetryPolicy(base_delay=0.5, max_delay=3.0)
    for retry, ceiling in [(1, 0.5), (2, 1.0), (3, 2.0), (4, 3.0), (9, 3.0)]:
        waits = [policy.backoff(retry) for _ in range(200)]
        assert all(ceiling / 2 <= wait <= ceiling for wait in waits)
        assert max(waits) - min(waits) > ceiling / 10


def test_retries_against_the_standin_recover_from_scripted_faults(
    crossref_standin: StartStandin,
) -> None:
    """429 (Retry-After 0.2 s), 503 and cut-off JSON, then success: the call returns the works."""
    server = crossref_standin(
        faults=FaultPlan(script=("429", "503", "truncated"), retry_after_s=0.2)
    )
    source = CrossrefSource(base_url=server.url, mailto=MAILTO, timeout=2)
    pacer = source.pacer()
    policy = RetryPolicy(attempts=4, base_delay=0.02, max_delay=1.0)
    items = call_with_retries(lambda: source.search("deep learning", rows=1), pacer, policy)
    assert items[0]["DOI"] == "10.1038/nature14539"
    arrivals = server.stats.arrivals
    assert len(arrivals) == 4
    assert arrivals[1] - arrivals[0] >= 0.19
