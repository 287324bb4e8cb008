"""Keeping requests under a registry's rate and in-flight limits, and retrying politely.

A :class:`Pacer` is shared by every thread that talks to one registry: it spaces
request starts at least ``1 / rate`` apart, lets at most ``concurrency`` run at
once and, given a ``limit``, lets no more than ``limit`` requests reach the
server in any ``interval``, however long each took to get there.
:func:`call_with_retries` runs a call inside a pacer slot and retries the
failures that may pass (429, 5xx, time-outs), a bounded number of times.
"""

from __future__ import annotations

import random
import threading
import time
from collections import deque
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import TypeVar

from attrs import field, frozen, validators

from paperbib.errors import SourceError

__all__ = ["Pacer", "RetryPolicy", "call_with_retries"]

T = TypeVar("T")

# Statuses that say the server itself is overloaded: everyone slows down, not
# only the thread that happened to receive it.
_SLOW_DOWN_STATUSES = frozenset({429, 503})


class Pacer:
    """Spaces request starts at least ``1 / rate`` seconds apart, ``concurrency`` at most in flight.

    Starts are handed out in the order threads ask for them, each one a full
    interval after the previous, so any stretch of ``t`` seconds holds at most
    ``t * rate + 1`` starts however many threads wait.

    Servers count arrivals, not starts, and a busy machine or network can hold
    one request back while later ones go through, so spacing alone cannot keep
    a server's count. With a ``limit`` the pacer keeps it whatever the delays:
    a request may have arrived at any moment from its start until its answer
    came back, so it counts as arriving during all of that, and a start waits
    until fewer than ``limit`` requests could share an ``interval`` with it.
    """

    def __init__(
        self,
        rate: float,
        concurrency: int,
        *,
        limit: int | None = None,
        interval: float = 1.0,
        clock: Callable[[], float] = time.monotonic,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not rate > 0:
            raise ValueError(f"rate must be positive, not {rate!r}")
        if concurrency < 1:
            raise ValueError(f"concurrency must be at least 1, not {concurrency!r}")
        if limit is not None and limit < concurrency:
            raise ValueError(f"limit must be at least the concurrency, not {limit!r}")
        self.rate = rate
        self.concurrency = concurrency
        self._spacing = 1.0 / rate
        self._limit = limit
        self._interval = interval
        self._clock = clock
        self._sleep = sleep
        self._in_flight = threading.BoundedSemaphore(concurrency)
        self._lock = threading.Lock()
        self._next_start = clock()
        self._last_start = -float("inf")
        self._running = 0
        #: When the latest requests' answers came back, oldest first.
        self._answered: deque[float] = deque(maxlen=limit or 1)

    @contextmanager
    def slot(self) -> Iterator[None]:
        """Block until a request may start; the request is in flight inside the block."""
        with self._in_flight:
            self._wait_for_start()
            try:
                yield
            finally:
                if self._limit is not None:
                    with self._lock:
                        self._running -= 1
                        self._answered.append(self._clock())

    def back_off(self, seconds: float) -> None:
        """Start no request, in any thread, before ``seconds`` from now."""
        with self._lock:
            self._next_start = max(self._next_start, self._clock() + max(seconds, 0.0))

    def _wait_for_start(self) -> None:
        with self._lock:
            now = self._clock()
            start = max(now, self._next_start)
            self._next_start = start + self._spacing
        if start > now:
            self._sleep(start - now)
        if self._limit is None:
            return
        while True:
            with self._lock:
                now = self._clock()
                opens = max(self._window_opens(), self._last_start + self._spacing)
                if opens <= now:
                    self._running += 1
                    self._last_start = now
                    return
            self._sleep(opens - now)

    def _window_opens(self) -> float:
        """The earliest start that no ``limit`` other requests could share an ``interval`` with."""
        assert self._limit is not None
        # Running requests may arrive with this one; so may those answered
        # less than an interval ago. The rest are out of its reach.
        room = self._limit - 1 - self._running
        if room >= len(self._answered):
            return -float("inf")
        return self._answered[-(room + 1)] + self._interval


@frozen
class RetryPolicy:
    """How often and how long to retry a transient failure.

    Without a ``Retry-After`` the n-th retry waits between half and all of
    ``base_delay * 2 ** (n - 1)`` (capped at ``max_delay``): exponential, with
    jitter so that threads failing together do not retry together.
    """

    attempts: int = field(default=5, validator=validators.ge(1))
    base_delay: float = field(default=0.5, validator=validators.ge(0.0))
    max_delay: float = field(default=30.0, validator=validators.ge(0.0))

    def backoff(self, retry: int) -> float:
        """The wait before retry number ``retry`` (1 for the first)."""
        ceiling = min(self.max_delay, self.base_delay * 2.0 ** (retry - 1))
        return ceiling / 2 + random.uniform(0.0, ceiling / 2)


def call_with_retries(fn: Callable[[], T], pacer: Pacer, policy: RetryPolicy) -> T:
    """Run ``fn`` in a pacer slot, retrying transient :class:`SourceError` up to the policy.

    A ``Retry-After`` is honoured as given; one longer than ``policy.max_delay``
    ends the attempts at once rather than retrying before the server asked. A
    429 or 503 delays every thread sharing the pacer; other transient failures
    delay only this call. The last error is re-raised when the attempts run out,
    and a permanent one (400, 404) at once.
    """
    attempt = 1
    while True:
        try:
            with pacer.slot():
                return fn()
        except SourceError as error:
            if not error.transient or attempt >= policy.attempts:
                raise
            if error.retry_after is not None:
                if error.retry_after > policy.max_delay:
                    raise
                wait = error.retry_after
            else:
                wait = policy.backoff(attempt)
            if error.status in _SLOW_DOWN_STATUSES or error.retry_after is not None:
                pacer.back_off(wait)
            else:
                time.sleep(wait)
        attempt += 1
