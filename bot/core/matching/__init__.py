"""Question → ranked knowledge-base items, a confidence in [0, 1] and a verdict.

The steps, one module each: `text` (clean, split, respell with the knowledge base's lexicon,
stem; `english` knows general English), `synonyms` (synonym groups and finding them), `index`
(everything that does not depend on the question), `read` (a question read: corrected, marked,
weighed), `query` (its content words and features), `fit` (a question's fit to an item's
closest phrasing), `score` (coverage × fit, ranking), `explain` (`why`), `matcher` (the facade:
build, match, explain), `policy` (the verdict), `match` (the decision: verdict and candidates),
`semantic` (lexical + semantic scores fused into one Match) and `complete` (all autocomplete);
`weights` holds every knob of the score. `Matcher` is the entry point.
"""
