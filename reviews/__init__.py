"""Three-, six- and twelve-month reviews, the final recommendation, internal and NQAP moderation."""
