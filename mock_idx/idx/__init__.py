"""IDX documents: the engine's state rendered as Okta's ion+json responses. No HTTP here either."""
