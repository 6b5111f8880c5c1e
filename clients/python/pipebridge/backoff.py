"""Exponential backoff with jitter for reconnecting: quick first retries (a bridge restart
takes well under a second), capped so a long outage costs one attempt every few seconds,
jittered so many clients do not reconnect in lockstep."""

import random


class Backoff(object):
    def __init__(self, initial=0.05, maximum=2.0, factor=2.0, jitter=0.2):
        self.initial, self.maximum, self.factor, self.jitter = initial, maximum, factor, jitter
        self._next = initial

    def next_delay(self):
        delay = self._next
        self._next = min(self.maximum, self._next * self.factor)
        return delay * (1.0 + random.uniform(-self.jitter, self.jitter))

    def reset(self):
        self._next = self.initial
