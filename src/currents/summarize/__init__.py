"""The summarize stage: event headlines, summaries and source comparison (arrives with issue 5)."""
