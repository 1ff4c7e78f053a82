"""Locust users for bench/public_lookup.py: a member of the public looks a business up by two characters
of its name (or part of its code) and opens its page, pausing 1–3 s between pages as a person does.

The fragments and codes are read from the files the bench writes (SSJ_BENCH_FRAGMENTS, SSJ_BENCH_USCCS)."""

from __future__ import annotations

import os
import random
from pathlib import Path
from urllib.parse import quote

from locust import HttpUser, between, task

FRAGMENTS = Path(os.environ["SSJ_BENCH_FRAGMENTS"]).read_text(encoding="utf-8").split()
USCCS = Path(os.environ["SSJ_BENCH_USCCS"]).read_text(encoding="utf-8").split()


class Citizen(HttpUser):
    wait_time = between(1, 3)

    @task(3)
    def lookup(self):
        self.client.get(f"/public/businesses/?q={quote(random.choice(FRAGMENTS))}", name="look-up")

    @task(3)
    def business(self):
        self.client.get(f"/public/businesses/{random.choice(USCCS)}/", name="business page")

    @task(1)
    def lookup_next_page(self):
        self.client.get(f"/public/businesses/?q={quote(random.choice(FRAGMENTS))}&page=2", name="look-up")
