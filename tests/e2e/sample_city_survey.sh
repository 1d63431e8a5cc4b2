# tests/e2e/sample_city_survey.sh: the committed city-survey sample is exactly what tools/gen_city_survey writes.
. tests/lib.sh
GEN=$BUILD/tools/gen_city_survey
SAMPLE=samples/city-survey
FILES="frame.csv frame.codebook.lua responses.csv responses.codebook.lua responses.sav
       partnerships.csv partnerships.codebook.lua partnerships.sav"

if [ ! -x "$GEN" ]; then
  not_ok "generator $GEN not built (make BUILD=$BUILD $GEN)"
  finish
fi

# Regenerate under another time zone too: the .sav header time must not depend on it.
mkdir -p "$TMP/a" "$TMP/b"
check "gen_city_survey writes the sample" "$GEN" "$TMP/a"
check "gen_city_survey writes the sample under TZ=Asia/Tokyo" env TZ=Asia/Tokyo "$GEN" "$TMP/b"
for f in $FILES; do
  expect_same "committed $f matches the generator" "$TMP/a/$f" "$SAMPLE/$f"
  expect_same "$f is the same under another time zone" "$TMP/b/$f" "$TMP/a/$f"
done

# Nothing generated is missing from the sample, nothing in the sample is stale.
extra=""
for f in $(ls "$TMP/a"); do
  case " $(echo $FILES) " in *" $f "*) ;; *) extra="$extra $f" ;; esac
done
if [ -z "$extra" ]; then ok "every generated file is compared"; else not_ok "generated but not compared:$extra"; fi

# A few invariants that do not need tally: 80 questionnaires, Osnabrück twice, 158 links.
rows=$(($(wc -l <"$SAMPLE/responses.csv") - 1))
[ "$rows" = 80 ] && ok "responses.csv has 80 questionnaires" || not_ok "responses.csv has $rows questionnaires, want 80"
osna=$(grep -c '^[0-9]*,Osnabrück,' "$SAMPLE/responses.csv")
[ "$osna" = 2 ] && ok "Osnabrück answered twice" || not_ok "Osnabrück has $osna questionnaires, want 2"
links=$(($(wc -l <"$SAMPLE/partnerships.csv") - 1))
[ "$links" = 158 ] && ok "partnerships.csv has 158 links" || not_ok "partnerships.csv has $links links, want 158"
frame=$(($(wc -l <"$SAMPLE/frame.csv") - 1))
[ "$frame" = 126 ] && ok "frame.csv has 126 cities" || not_ok "frame.csv has $frame cities, want 126"
# Size classes (official population, 31 Dec 2019): 45, 41, 26 and 14 cities; the cities near a border
# as samples/city-survey/README.md names them.
classes=$(awk -F, 'NR > 1 { n[$NF]++ } END { printf "%d %d %d %d", n[1], n[2], n[3], n[4] }' "$SAMPLE/frame.csv")
[ "$classes" = "45 41 26 14" ] && ok "frame.csv: size classes 1-4 hold 45, 41, 26, 14 cities" ||
  not_ok "frame.csv: size classes hold $classes cities, want 45 41 26 14"
border=$(awk -F, '$2 ~ /^(Duisburg|Kassel|Cottbus|Gütersloh|Kaiserslautern|Berlin|Speyer)$/ { printf "%s=%s ", $2, $NF }' "$SAMPLE/frame.csv")
[ "$border" = "Berlin=4 Duisburg=3 Kassel=3 Cottbus=1 Kaiserslautern=2 Gütersloh=2 Speyer=1 " ] &&
  ok "frame.csv: cities near a class border are in their 2019 class" || not_ok "frame.csv: border cities: $border"

# The generator refuses a call without an output folder.
expect_exit "gen_city_survey without OUTDIR is a usage error" 2 "$GEN"
finish
