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

# Writes an OpenCart config.php for the local test MariaDB: `shop_config FILE DATABASE [URL]`
# (URL becomes HTTP_SERVER, the address the shop's webhook URL is made from).
shop_config() {
  {
    echo "<?php"
    [ -z "${3:-}" ] || echo "define('HTTP_SERVER', '$3');"
    cat <<PHP
define('DB_DRIVER', 'mysqli');
define('DB_HOSTNAME', '127.0.0.1');
define('DB_USERNAME', 'root');
define('DB_PASSWORD', '');
define('DB_DATABASE', '$2');
define('DB_PORT', '3306');
define('DB_PREFIX', 'oc_');
PHP
  } >"$1"
}
