# Shared by the shell test scripts: `check NAME CMD...` runs one test and records it;
# `summary` prints "N passed, N failed" (the line CI reads) and returns non-zero on a failure.
passed=0; failed=0

check() { # name, then a command that must succeed
  local name=$1; shift
  if out=$("$@" 2>&1); then
    passed=$((passed + 1)); echo "ok   $name"
  else
    failed=$((failed + 1)); echo "FAIL $name"; printf '%s\n' "$out" | sed 's/^/     /'
  fi
}

summary() {
  echo "$passed passed, $failed failed"
  [ "$failed" = 0 ]
}
