"""The cluster stage: articles into events, events into stories (arrives with issue 4)."""
