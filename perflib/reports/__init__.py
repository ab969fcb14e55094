"""Report kinds: each names its notebook, the measure roles and data it needs, the CSV it publishes."""
