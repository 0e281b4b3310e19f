# Reference values for cop-eval's equity engine (tests/compare/test_equity.py): each subgroup's
# gap to the rest of the group per scale and wave (Welch t-test, BH across the subgroup x scale
# grid of a wave), and the change in the gap from the first to the last wave (one random-
# intercept model per subgroup and one for the rest, the gap change being the difference of
# their last-wave effects, with a Wald z test).
#
#   Rscript tests/reference/equity.R      (run from the repository root)
#
# Writes tests/reference/equity_data.csv (the simulated data, long form) and
# tests/reference/equity.json. R 4.2.2, stats 4.2.2, nlme 3.1.162, jsonlite 1.8.4.
#
# Data: 3 waves of a 37-person group in 3 subgroups (A 20, B 11, C 6 people), two scales on a
# 1-5 agreement scale; group B scores 0.7 lower on "relevance", and its gap widens by 0.5 at
# wave 3; a few people skip a wave (attrition, joiners) and a few scores are missing.

suppressPackageStartupMessages({
  library(nlme)
  library(jsonlite)
})

out_dir <- "tests/reference"
set.seed(20250601)

people <- data.frame(id = sprintf("p%02d", 1:37),
                     group = rep(c("A", "B", "C"), c(20, 11, 6)),
                     trait = rnorm(37, 0, 0.45))
rows <- list()
for (w in 1:3) {
  for (i in seq_len(nrow(people))) {
    # p01 misses wave 2, p05 joins at wave 2, p30 leaves after wave 2
    if ((i == 1 && w == 2) || (i == 5 && w == 1) || (i == 30 && w == 3)) next
    g <- people$group[i]
    shift <- if (g == "B") -0.7 - (if (w == 3) 0.5 else 0) else 0
    relevance <- 3.8 + shift + people$trait[i] + rnorm(1, 0, 0.4)
    commitment <- 3.5 + 0.1 * (w - 1) + people$trait[i] + rnorm(1, 0, 0.4)
    rows[[length(rows) + 1]] <- data.frame(wave = w, id = people$id[i], group = g,
                                           relevance = round(min(5, max(1, relevance)), 2),
                                           commitment = round(min(5, max(1, commitment)), 2))
  }
}
d <- do.call(rbind, rows)
d$commitment[c(7, 40, 77)] <- NA
write.csv(d, file.path(out_dir, "equity_data.csv"), row.names = FALSE, na = "")

scales <- c("relevance", "commitment")
groups <- c("A", "B", "C")
gaps <- list()
for (w in 1:3) {
  dw <- d[d$wave == w, ]
  cells <- list()
  p <- c()
  for (s in scales) {
    for (g in groups) {
      x <- dw[[s]][dw$group == g]; x <- x[!is.na(x)]
      y <- dw[[s]][dw$group != g]; y <- y[!is.na(y)]
      tt <- t.test(x, y, var.equal = FALSE)
      cells[[length(cells) + 1]] <- list(
        wave = w, scale = s, group = g, n_group = length(x), n_rest = length(y),
        mean_group = mean(x), mean_rest = mean(y), overall = mean(dw[[s]], na.rm = TRUE),
        gap = mean(x) - mean(y), ci = as.numeric(tt$conf.int),
        statistic = unname(tt$statistic), df = unname(tt$parameter), p = tt$p.value)
      p <- c(p, tt$p.value)
    }
  }
  adj <- p.adjust(p, "BH")
  for (k in seq_along(cells)) cells[[k]]$p_adjusted <- adj[k]
  gaps <- c(gaps, cells)
}

fit_last <- function(sub) {
  sub <- sub[!is.na(sub$score), ]
  m <- lme(score ~ factor(wave), random = ~ 1 | id, data = sub, method = "REML")
  list(b = unname(fixef(m)[3]), se = sqrt(vcov(m)[3, 3]))
}
trends <- list()
p <- c()
for (s in scales) {
  for (g in groups) {
    dd <- data.frame(wave = d$wave, id = d$id, score = d[[s]])
    inside <- fit_last(dd[d$group == g, ])
    rest <- fit_last(dd[d$group != g, ])
    change <- inside$b - rest$b
    se <- sqrt(inside$se^2 + rest$se^2)
    z <- change / se
    pz <- 2 * pnorm(-abs(z))
    trends[[length(trends) + 1]] <- list(
      scale = s, group = g, b_group = inside$b, se_group = inside$se, b_rest = rest$b,
      se_rest = rest$se, change = change, se = se,
      ci = c(change - qnorm(0.975) * se, change + qnorm(0.975) * se), z = z, p = pz)
    p <- c(p, pz)
  }
}
adj <- p.adjust(p, "BH")
for (k in seq_along(trends)) trends[[k]]$p_adjusted <- adj[k]

out <- list(
  gaps = gaps, trends = trends,
  versions = list(R = R.version.string, nlme = as.character(packageVersion("nlme")),
                  jsonlite = as.character(packageVersion("jsonlite")))
)
writeLines(toJSON(out, auto_unbox = TRUE, digits = NA, pretty = TRUE),
           file.path(out_dir, "equity.json"))
