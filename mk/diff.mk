# mk/diff.mk: `make report-diff`: the city-survey report, then which of its figures differ from the committed golden JSON.
# Exit 3 (make fails) when a figure moved; out/changes.md holds the Markdown, also appended to
# $GITHUB_STEP_SUMMARY when set. DIFF_OPTS passes thresholds: make report-diff DIFF_OPTS="--abs 0.05".

DIFF_OPTS ?=

.PHONY: report-diff

report-diff: report
	@rc=0; $(BUILD)/tally diff tests/golden/city-survey.json out/city-survey.json $(DIFF_OPTS) -o out/changes.md || rc=$$?; \
	if [ -n "$${GITHUB_STEP_SUMMARY:-}" ] && [ -s out/changes.md ]; then cat out/changes.md >>"$$GITHUB_STEP_SUMMARY"; fi; \
	exit $$rc
