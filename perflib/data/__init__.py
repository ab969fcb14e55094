"""Reading and checking data/: column specifications, files, cross-file checks, one report year."""
