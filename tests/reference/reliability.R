# Reference values for tests/test_reliability.py and tests/test_scoring.py.
#
# Run from the repository root:   Rscript tests/reference/reliability.R
# Produced with R 4.2.2, psych 2.2.9, psychTools 2.2.9, GPArotation 2022.10.2, jsonlite 1.8.4.
#
# Two real data sets with missing answers (both GPL, shipped in tests/reference/data/):
#   psychTools::bfi  2800 x 25 IPIP Big Five items, 1-6, light missingness (0-36 NA per item);
#                    keys: reverse A1, C4, C5, E1, E2, O2, O5 (psychTools::bfi.dictionary$Keying).
#   psychTools::msq  3896 x 40 mood adjectives, 0-3, heavy missingness (anxious, cheerful ~47% NA);
#                    four disjoint scales after Revelle & Anderson (energetic / tense arousal,
#                    positive / negative affect).
# Items are reverse-keyed (min + max - x) BEFORE psych sees them, as cop-eval does; psych's
# check.keys is never used. Per scale, psych gets the rows that answered at least one of the
# scale's items (pairwise) or all of them (listwise = na.omit), which is cop-eval's definition of n.
#
# Calls (per scale, x = keyed items of that scale):
#   a <- psych::alpha(x)                         # use = "pairwise" (default)
#     a$total$raw_alpha, a$total$std.alpha, a$total$average_r, a$item.stats$r.drop,
#     a$alpha.drop$raw_alpha, a$feldt$lower.ci, a$feldt$upper.ci, a$item.stats$n
#   psych::omega(x, nfactors = 1, plot = FALSE)$omega.tot
#   psych::scoreItems(keys, data, impute = "none", min = lo, max = hi)$scores   (unkeyed data)
#   item statistics: see item_stats() below.
# Outputs: tests/reference/reliability.json, tests/reference/scores_bfi.csv, scores_msq.csv,
# and the data files tests/reference/data/bfi.csv, msq.csv (item ids lower-cased, '.' -> '_').

suppressPackageStartupMessages({
  library(psych)
  library(psychTools)
  library(jsonlite)
})

out_dir <- "tests/reference"
dir.create(file.path(out_dir, "data"), showWarnings = FALSE, recursive = TRUE)

clean_names <- function(x) gsub(".", "_", tolower(x), fixed = TRUE)

bfi_keys <- list(
  agreeableness = c("-A1", "A2", "A3", "A4", "A5"),
  conscientiousness = c("C1", "C2", "C3", "-C4", "-C5"),
  extraversion = c("-E1", "-E2", "E3", "E4", "E5"),
  neuroticism = c("N1", "N2", "N3", "N4", "N5"),
  openness = c("O1", "-O2", "O3", "O4", "-O5")
)
msq_keys <- list(
  energetic_arousal = c("active", "energetic", "vigorous", "wakeful", "wide.awake",
                        "full.of.pep", "lively", "-sleepy", "-tired", "-drowsy"),
  tense_arousal = c("intense", "jittery", "fearful", "tense", "clutched.up",
                    "-quiet", "-still", "-placid", "-calm", "-at.rest"),
  positive_affect = c("alert", "attentive", "determined", "enthusiastic", "excited",
                      "inspired", "interested", "proud", "strong", "cheerful"),
  negative_affect = c("afraid", "ashamed", "distressed", "guilty", "hostile",
                      "irritable", "nervous", "scared", "upset", "anxious")
)

one_scale <- function(x) {
  a <- psych::alpha(x, warnings = FALSE)
  om <- suppressWarnings(suppressMessages(psych::omega(x, nfactors = 1, plot = FALSE)))
  list(
    n = nrow(x),
    alpha = a$total$raw_alpha,
    std_alpha = a$total$std.alpha,
    average_r = a$total$average_r,
    feldt = c(a$feldt$lower.ci[[1]], a$feldt$upper.ci[[1]]),
    omega_total = om$omega.tot,
    items = clean_names(colnames(x)),
    item_n = unname(a$item.stats$n),
    item_rest_r = unname(a$item.stats$r.drop),
    alpha_if_deleted = unname(a$alpha.drop$raw_alpha)
  )
}

# Item statistics (tests/test_itemstats.py): raw n, mean, sd, counts per code; on the keyed
# item: top-2-box count with prop.test(fav, n, correct = FALSE)$conf.int (Wilson), floor and
# ceiling percentages.
item_stats <- function(raw, reversed, lo, hi) {
  x <- raw[!is.na(raw)]
  y <- if (reversed) lo + hi - x else x
  fav <- sum(y >= hi - 1)
  ci <- prop.test(fav, length(x), correct = FALSE)$conf.int
  list(
    n = length(x), mean = mean(x), sd = sd(x),
    counts = tabulate(x - lo + 1, nbins = hi - lo + 1),
    favourable = fav, pct_favourable = 100 * fav / length(x),
    ci = 100 * c(ci[1], ci[2]),
    floor_pct = 100 * mean(y == lo), ceiling_pct = 100 * mean(y == hi)
  )
}

one_dataset <- function(data, keys, lo, hi, name) {
  items <- unique(sub("-", "", unlist(keys)))
  data <- data[, items]
  out <- list(min = lo, max = hi, scales = list(), items = list())
  for (k in unlist(keys)) {
    col <- sub("-", "", k)
    out$items[[clean_names(col)]] <- item_stats(data[[col]], startsWith(k, "-"), lo, hi)
  }
  for (scale in names(keys)) {
    k <- keys[[scale]]
    cols <- sub("-", "", k)
    x <- data[, cols]
    rev <- startsWith(k, "-")
    x[, rev] <- lo + hi - x[, rev]                       # declared range, not the data's
    pairwise <- x[rowSums(!is.na(x)) > 0, ]
    listwise <- na.omit(x)
    out$scales[[scale]] <- list(
      pairwise = one_scale(pairwise),
      listwise = one_scale(listwise)
    )
  }
  sc <- psych::scoreItems(psych::make.keys(data, keys), data, impute = "none",
                          min = lo, max = hi)$scores
  sc <- as.data.frame(unclass(sc))
  write.csv(sc, file.path(out_dir, paste0("scores_", name, ".csv")), row.names = FALSE,
            na = "")
  export <- data
  colnames(export) <- clean_names(colnames(export))
  write.csv(export, file.path(out_dir, "data", paste0(name, ".csv")), row.names = FALSE,
            na = "")
  out
}

# Short scales (the seed-derived instruments have 3- and 4-item scales): the first 3 and the
# first 2 keyed items of each bfi scale, pairwise. A one-factor model of 3 items is just
# identified, so omega is checked there too; alpha of 2 items is checked against psych.
short_scales <- function(data, keys, lo, hi) {
  out <- list()
  for (scale in names(keys)) {
    for (k in c(3, 2)) {
      key <- keys[[scale]][1:k]
      cols <- sub("-", "", key)
      x <- data[, cols]
      rev <- startsWith(key, "-")
      x[, rev] <- lo + hi - x[, rev]
      x <- x[rowSums(!is.na(x)) > 0, ]
      a <- psych::alpha(x, warnings = FALSE)
      entry <- list(
        items = clean_names(cols), reverse = rev, n = nrow(x),
        alpha = a$total$raw_alpha, std_alpha = a$total$std.alpha,
        average_r = a$total$average_r
      )
      if (k == 3) {
        entry$omega_total <- suppressWarnings(suppressMessages(
          psych::omega(x, nfactors = 1, plot = FALSE)))$omega.tot
        entry$item_rest_r <- unname(a$item.stats$r.drop)
      }
      out[[paste0(scale, "_", k)]] <- entry
    }
  }
  out
}

result <- list(
  short = short_scales(psychTools::bfi, bfi_keys, 1, 6),
  versions = list(
    R = R.version.string,
    psych = as.character(packageVersion("psych")),
    psychTools = as.character(packageVersion("psychTools"))
  ),
  bfi = one_dataset(psychTools::bfi, bfi_keys, 1, 6, "bfi"),
  msq = one_dataset(psychTools::msq, msq_keys, 0, 3, "msq")
)
writeLines(toJSON(result, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(out_dir, "reliability.json"))
cat("wrote", file.path(out_dir, "reliability.json"), "\n")
