"""Question → ranked knowledge-base items, a confidence in [0, 1] and a verdict.

The steps, one module each: `text` (split, respell with the knowledge base's lexicon,
stem; `english` knows general English), `synonyms` (synonym groups and finding them), `index`
(everything that does not depend on the question), `read` (a question read: corrected, marked,
weighed), `query` (its content words and features), `fields` (an item's texts besides its
phrasings), `fit` (a question's fit to an item's closest phrasing), `grams` (character n-gram
similarity), `score` (coverage × fit blended with grams, ranking), `explain` (`why`),
`matcher` (the facade:
build, match, explain), `policy` (the verdict), `match` (the decision: verdict and candidates),
`semantic` (lexical + semantic scores fused into one Match) and `complete` (all autocomplete);
`weights` holds every knob of the score. `Matcher` is the entry point.
"""
