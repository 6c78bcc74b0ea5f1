"""依頼 (request desk): requests between the front office and the back office, thanks, the contribution dashboard."""
