# Reference values for tests/stats/test_omega.py: cop-eval's omega total does not flip items.
#
# Run from the repository root:   Rscript tests/reference/omega_flip.R
# Produced with R 4.2.2, psych 2.2.9, psychTools 2.2.9.
#
# psych::omega() reverses ("flips") items that load negatively on the general factor unless
# flip = FALSE. cop-eval never reverses items from the data (the instrument's `reverse` keys do
# that, before anything is computed), so its omega equals flip = FALSE. The case: the five
# Agreeableness items of psychTools::bfi *unkeyed* (A1 is reverse-worded and loads negatively),
# as in tests/reference/data/bfi.csv (columns a1..a5).

suppressPackageStartupMessages({
  library(psych)
  library(psychTools)
})

x <- psychTools::bfi[, c("A1", "A2", "A3", "A4", "A5")]
no_flip <- suppressWarnings(omega(x, nfactors = 1, plot = FALSE, flip = FALSE))$omega.tot
flipped <- suppressWarnings(omega(x, nfactors = 1, plot = FALSE))$omega.tot
cat(sprintf("flip = FALSE: %.10f\nflip = TRUE (default): %.10f\n", no_flip, flipped))
# flip = FALSE: 0.5919868034
# flip = TRUE (default): 0.7229431365
