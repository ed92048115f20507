"""The domain core: plain Python, no Discord and no SQL.

Parsing review files, the film and review model, matching what people type to films,
summaries, recommendations and the reply model all live here, so the tests and every
front end use exactly the same behaviour.
"""
