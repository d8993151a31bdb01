# ---- nodesnap sh runtime (collector/script/runtime.sh) ---------------------------------------
# The fixed part of the generated collector; generate.ts puts the registry-derived part (source
# names, redaction program, module symbols, one block per source) around it. It mirrors the Node
# collector (collector/run/*.ts) item by item: same members, same manifest records, same skip
# reasons. POSIX sh (dash, busybox ash, bash, mksh); the one XSI form used is `kill -SIG -PGID`
# (a process group: dash rejects the POSIX spelling). Tools: coreutils (or busybox), sed, grep,
# tar, gzip; timeout(1) and setsid(1) when present.
#
# Naming: ns_* functions, NS_* globals; _x are a function's scratch variables.

LC_ALL=C
LANG=C
export LC_ALL LANG
NS_NL='
'
NS_TAB=$(printf '\t')
NS_CR=$(printf '\r')
NS_CTRL=$(printf '\001\002\003\004\005\006\007\010\011\012\013\014\015\016\017\020\021\022\023\024\025\026\027\030\031\032\033\034\035\036\037')

# Where node tools live even when started with a thin PATH (sudo, cron, ssh): appended when missing.
for _d in /usr/local/sbin /usr/local/bin /usr/sbin /usr/bin /sbin /bin; do
  case ":$PATH:" in *":$_d:"*) ;; *) PATH="${PATH:+$PATH:}$_d" ;; esac
done
export PATH

ns_die() { printf 'nodesnap collect: %s\n' "$1" >&2; exit "${2:-1}"; }
ns_usage_error() { printf 'nodesnap collect: %s\n' "$1" >&2; exit 2; }

# ---- JSON ---------------------------------------------------------------------------------------

# NS_J <- $1 as a JSON string literal. Quotes, backslashes and control characters are escaped;
# other bytes (UTF-8 text) pass through as they are.
ns_json() {
  case $1 in
    *[\"\\$NS_CTRL]*) ;;
    *) NS_J="\"$1\""; return 0 ;;
  esac
  _jr=$1
  _jo=
  while :; do
    _jp=${_jr%%[\"\\$NS_CTRL]*}
    _jo=$_jo$_jp
    [ "$_jp" = "$_jr" ] && break
    _jr=${_jr#"$_jp"}
    _jrest=${_jr#?}
    _jc=${_jr%"$_jrest"}
    _jr=$_jrest
    case $_jc in
      \") _jo="$_jo\\\"" ;;
      \\) _jo="$_jo\\\\" ;;
      "$NS_NL") _jo="$_jo\\n" ;;
      "$NS_TAB") _jo="$_jo\\t" ;;
      "$NS_CR") _jo="$_jo\\r" ;;
      *) _jo="$_jo$(printf '\\u%04x' "'$_jc")" ;;
    esac
  done
  NS_J="\"$_jo\""
}

# NS_J <- $1 as a JSON string, or null when it is empty.
ns_json_or_null() {
  if [ -z "$1" ]; then NS_J=null; else ns_json "$1"; fi
}

# NS_JA <- the JSON array of the arguments.
ns_json_array() {
  NS_JA='['
  _jsep=
  for _ja in "$@"; do
    ns_json "$_ja"
    NS_JA="$NS_JA$_jsep$NS_J"
    _jsep=,
  done
  NS_JA="$NS_JA]"
}

# ---- line-safe lists ------------------------------------------------------------------------------
# Paths may hold any byte but NUL. A list file holds one path a line with \ written \\ and a
# newline written \n, so `sort` and `read` work; byte order is kept for every other path.

ns_encode() {
  case $1 in
    *[\\$NS_NL]*) ;;
    *) NS_E=$1; return 0 ;;
  esac
  _er=$1
  NS_E=
  while :; do
    _ep=${_er%%[\\$NS_NL]*}
    NS_E=$NS_E$_ep
    [ "$_ep" = "$_er" ] && break
    _er=${_er#"$_ep"}
    _erest=${_er#?}
    case ${_er%"$_erest"} in
      \\) NS_E="$NS_E\\\\" ;;
      *) NS_E="$NS_E\\n" ;;
    esac
    _er=$_erest
  done
}

ns_decode() {
  case $1 in
    *\\*) ;;
    *) NS_D=$1; return 0 ;;
  esac
  _dr=$1
  NS_D=
  while :; do
    _dp=${_dr%%\\*}
    NS_D=$NS_D$_dp
    [ "$_dp" = "$_dr" ] && break
    _dr=${_dr#"$_dp"}
    _dr=${_dr#?}
    case $_dr in
      n*) NS_D="$NS_D$NS_NL" ;;
      *) NS_D="$NS_D\\" ;;
    esac
    _dr=${_dr#?}
  done
}

# ---- clock ----------------------------------------------------------------------------------------

ns_now_ms() {
  if [ "$NS_HAVE_MS" = 1 ]; then
    NS_NOW=$(date +%s%3N)
  else
    NS_NOW=$(($(date +%s) * 1000))
  fi
}

# NS_ISO <- the UTC time in ISO 8601 with milliseconds (".000" where date has no %N).
ns_iso_now() {
  if [ "$NS_HAVE_MS" = 1 ]; then
    NS_ISO=$(date -u +%Y-%m-%dT%H:%M:%S.%3NZ)
  else
    NS_ISO=$(date -u +%Y-%m-%dT%H:%M:%S.000Z)
  fi
}

# ---- tools ----------------------------------------------------------------------------------------

# Succeeds when $1 is an executable regular file on PATH (or a path): builtins do not count.
ns_which() {
  case $1 in
    */*) [ -f "$1" ] && [ -x "$1" ]; return ;;
    '') return 1 ;;
  esac
  _wifs=$IFS
  IFS=:
  for _wd in $PATH; do
    [ -n "$_wd" ] || continue
    if [ -f "$_wd/$1" ] && [ -x "$_wd/$1" ]; then
      IFS=$_wifs
      return 0
    fi
  done
  IFS=$_wifs
  return 1
}

# How commands are cut at their timeout. GNU timeout(1) kills the command's whole process group
# (a shell item's children with it). Elsewhere (busybox, no timeout) a watchdog does it, killing
# the process group too when setsid(1) can give the command one; without setsid a child the
# command left running in the background survives it. NODESNAP_SH_NO_TIMEOUT=1 forces the
# watchdog (tests).
ns_detect_timeout() {
  NS_TIMEOUT=watchdog
  if [ "${NODESNAP_SH_NO_TIMEOUT:-}" != 1 ] && ns_which timeout; then
    case $(timeout --version 2>&1) in
      *GNU*) NS_TIMEOUT=gnu ;;
    esac
  fi
  NS_SETSID=0
  ns_which setsid && NS_SETSID=1
}

# Runs "$@" killed after $NS_T seconds (SIGTERM, then SIGKILL 2 s later); stdout and stderr as
# given. Exit status is the program's; $NS_TIMEDOUT_FLAG is created when the timeout fired.
ns_timed() {
  if [ "$NS_TIMEOUT" = gnu ]; then
    timeout -k 2 "$NS_T" "$@"
    _tr=$?
    if [ "$_tr" = 124 ] || [ "$_tr" = 137 ]; then : >"$NS_TIMEDOUT_FLAG"; fi
    return "$_tr"
  fi
  if [ "$NS_SETSID" = 1 ]; then
    # a background job of a non-interactive sh is no group leader: setsid does not fork, so the
    # pid is the new process group
    setsid "$@" &
    _tgroup=-
  else
    "$@" &
    _tgroup=
  fi
  _tpid=$!
  (
    trap 'kill "$_tsleep" 2>/dev/null; exit 0' TERM
    sleep "$NS_T" &
    _tsleep=$!
    wait "$_tsleep"
    kill -s 0 "$_tpid" 2>/dev/null || exit 0
    : >"$NS_TIMEDOUT_FLAG"
    kill -TERM "$_tgroup$_tpid" 2>/dev/null
    sleep 2
    kill -KILL "$_tgroup$_tpid" 2>/dev/null
  ) >/dev/null 2>&1 </dev/null &
  _twd=$!
  wait "$_tpid"
  _tr=$?
  kill "$_twd" 2>/dev/null
  wait "$_twd" 2>/dev/null
  # what the command left behind in its group must not keep the output pipe open
  [ -n "$_tgroup" ] && [ -f "$NS_TIMEDOUT_FLAG" ] && kill -KILL "-$_tpid" 2>/dev/null
  return "$_tr"
}

# ---- kernel modules (collector/run/module-probe.ts) ------------------------------------------------

ns_module_present() {
  _m=$(printf '%s' "$1" | tr '-' '_')
  case " $NS_MOD_YES " in *" $_m "*) return 0 ;; esac
  case " $NS_MOD_NO " in *" $_m "*) return 1 ;; esac
  if [ -r /proc/modules ] && grep -q "^$_m " /proc/modules 2>/dev/null; then
    :
  elif [ -e "/sys/module/$_m" ]; then
    :
  elif [ -s "$NS_WORK/modules.builtin" ] && grep -q "^$_m\$" "$NS_WORK/modules.builtin"; then
    :
  elif ns_module_symbol "$_m" && [ -n "$NS_SYM" ] && [ -s "$NS_WORK/kconfig" ] && grep -q "^$NS_SYM=y\$" "$NS_WORK/kconfig"; then
    :
  else
    NS_MOD_NO="$NS_MOD_NO $_m"
    return 1
  fi
  NS_MOD_YES="$NS_MOD_YES $_m"
  return 0
}

# Reads modules.builtin and the kernel config once (normalized names, CONFIG_X=v lines).
ns_module_setup() {
  _rel=$(uname -r 2>/dev/null)
  _b="$NS_HOSTROOT/lib/modules/$_rel/modules.builtin"
  if [ -r "$_b" ]; then
    sed -n 's#.*/##; s#\.ko$##p' "$_b" | tr '-' '_' >"$NS_WORK/modules.builtin" 2>/dev/null
  fi
  if [ -r /proc/config.gz ] && gzip -dc /proc/config.gz >"$NS_WORK/kconfig" 2>/dev/null; then
    :
  elif [ -r "$NS_HOSTROOT/boot/config-$_rel" ]; then
    cat "$NS_HOSTROOT/boot/config-$_rel" >"$NS_WORK/kconfig" 2>/dev/null
  fi
}

# NS_REASON <- why an item needing modules "$1" (all) and "$2" (any) cannot run; fails when it can.
ns_modules_missing() {
  _missing=
  for _mm in $1; do
    ns_module_present "$_mm" || _missing="${_missing:+$_missing, }$_mm"
  done
  if [ -n "$_missing" ]; then
    NS_REASON="module not loaded: $_missing"
    return 0
  fi
  if [ -n "$2" ]; then
    for _mm in $2; do
      ns_module_present "$_mm" && return 1
    done
    NS_REASON="none of these modules loaded: $(printf '%s' "$2" | sed 's/ /, /g')"
    return 0
  fi
  return 1
}

# ---- paths inside a root (collector/run/sysroot-fs.ts, file-match.ts) -----------------------------
# NS_R is the root of the item being collected: "" for the running system, the --sysroot for host
# files. Canonical paths are absolute paths inside it with every symlink resolved inside it.

# NS_CANON <- canonical path of $1; fails when a component does not exist or links loop.
ns_canonical() {
  _cp=$1
  _cres=
  _hops=0
  while [ -n "$_cp" ]; do
    _cp=${_cp#/}
    while [ "${_cp#/}" != "$_cp" ]; do _cp=${_cp#/}; done
    [ -n "$_cp" ] || break
    _cpart=${_cp%%/*}
    _cp=${_cp#"$_cpart"}
    case $_cpart in
      .) continue ;;
      ..) _cres=${_cres%/*}; continue ;;
    esac
    _chost="$NS_R$_cres/$_cpart"
    if [ -L "$_chost" ]; then
      _hops=$((_hops + 1))
      [ "$_hops" -le 40 ] || return 1
      case $_chost in
        # the collector's own process, as it is for the Node collector (not readlink's)
        /proc/self) _ctarget=$$ ;;
        /proc/thread-self) _ctarget=$$/task/$$ ;;
        *)
          _ctarget=$(readlink -- "$_chost" && echo x) || return 1
          _ctarget=${_ctarget%?x}
          ;;
      esac
      case $_ctarget in /*) _cres= ;; esac
      _cp="$_ctarget/$_cp"
    elif [ -e "$_chost" ]; then
      _cres="$_cres/$_cpart"
    else
      return 1
    fi
  done
  NS_CANON=${_cres:-/}
}

# NS_HOST <- where canonical path $1 is on this machine.
ns_host_path() {
  case $1 in
    '' | /) NS_HOST=${NS_R:-/} ;;
    *) NS_HOST="$NS_R$1" ;;
  esac
}

# NS_LCANON <- canonical path of child $2 of the folder whose canonical path is $1.
ns_locate_child() {
  _lc="${1%/}/$2"
  if [ -L "$NS_R$_lc" ]; then
    ns_canonical "$_lc" || return 1
    NS_LCANON=$NS_CANON
  elif [ -e "$NS_R$_lc" ]; then
    NS_LCANON=$_lc
  else
    return 1
  fi
}

# Appends matched path $1 to the candidate list of the current file item.
ns_found() {
  ns_encode "$1"
  printf '%s\n' "$NS_E" >>"$NS_WORK/found"
}

# Pattern expansion: $1 path so far, $2 its canonical path, $3 the rest of the pattern.
# `*`, `?` and `[...]` match within one level; dot-files only when the segment starts with a dot.
# Recursive: positional parameters are the only variables a POSIX function keeps to itself, so
# everything needed after a recursive call is recomputed from them.
ns_expand() {
  while [ "${3#/}" != "$3" ]; do set -- "$1" "$2" "${3#/}"; done
  if [ -z "$3" ]; then
    [ -n "$1" ] && ns_found "$1"
    return 0
  fi
  _xseg=${3%%/*}
  case $_xseg in
    *[*?[]*)
      ns_host_path "$2"
      for _xentry in "${NS_HOST%/}"/* "${NS_HOST%/}"/.[!.]* "${NS_HOST%/}"/..?*; do
        [ -e "$_xentry" ] || [ -L "$_xentry" ] || continue
        _xname=${_xentry##*/}
        _xseg=${3%%/*}
        case $_xname in
          .*) case $_xseg in .*) ;; *) continue ;; esac ;;
        esac
        # shellcheck disable=SC2254 # the registry segment is the pattern
        case $_xname in
          $_xseg) ns_locate_child "$2" "$_xname" && ns_expand "$1/$_xname" "$NS_LCANON" "${3#"$_xseg"}" ;;
        esac
      done
      ;;
    *)
      ns_locate_child "$2" "$_xseg" && ns_expand "$1/$_xseg" "$NS_LCANON" "${3#"$_xseg"}"
      ;;
  esac
  return 0
}

# Bounded find (find -L DIR -maxdepth N -name NAME..., dot-files included, each folder once):
# $1 path, $2 canonical, $3 depth of its entries, $4 max depth, $5 the name patterns one a line.
ns_find_walk() {
  ns_host_path "$2"
  [ -d "$NS_HOST" ] || return 0
  _wkey=$(stat -L -c '%d:%i' "$NS_HOST" 2>/dev/null) || return 0
  case " $NS_VISITED " in *" $_wkey "*) return 0 ;; esac
  NS_VISITED="$NS_VISITED $_wkey"
  for _wentry in "${NS_HOST%/}"/* "${NS_HOST%/}"/.[!.]* "${NS_HOST%/}"/..?*; do
    [ -e "$_wentry" ] || [ -L "$_wentry" ] || continue
    NS_FIND_BUDGET=$((NS_FIND_BUDGET - 1))
    [ "$NS_FIND_BUDGET" -ge 0 ] || return 0
    _wname=${_wentry##*/}
    ns_locate_child "$2" "$_wname" || continue
    _wifs=$IFS
    IFS=$NS_NL
    set -f
    for _wpat in $5; do
      # shellcheck disable=SC2254 # the registry name is the pattern
      case $_wname in
        $_wpat) ns_found "$1/$_wname"; break ;;
      esac
    done
    set +f
    IFS=$_wifs
    if [ "$3" -lt "$4" ] && { [ -d "$_wentry" ] || [ -L "$_wentry" ]; }; then
      ns_find_walk "$1/$_wname" "$NS_LCANON" $(($3 + 1)) "$4" "$5"
    fi
  done
  return 0
}

# ---- output members --------------------------------------------------------------------------------

# NS_SIZE <- bytes in file $1.
ns_size() { NS_SIZE=$(($(wc -c <"$1"))); }

# Moves staged file $2 into the snapshot as member $1 under the size cap. Sets NS_MREC to the
# member's JSON record (empty when nothing could be written) and NS_CUT=1 when bytes were cut.
ns_add_member() {
  NS_MREC=
  NS_CUT=0
  ns_size "$2"
  _room=$((NS_MAX_SIZE - NS_WRITTEN))
  [ "$_room" -ge 0 ] || _room=0
  if [ "$NS_SIZE" -gt "$_room" ]; then
    NS_CUT=1
    if [ "$_room" -eq 0 ]; then
      rm -f "$2"
      return 0
    fi
    head -c "$_room" "$2" >"$2.cut" && mv -f "$2.cut" "$2"
    NS_SIZE=$_room
  fi
  _mdest="$NS_DIR/$1"
  { [ -d "${_mdest%/*}" ] || mkdir -p "${_mdest%/*}"; } && mv -f "$2" "$_mdest" || { rm -f "$2"; NS_CUT=1; return 0; }
  _msha=$(sha256sum <"$_mdest") || _msha=
  _msha=${_msha%% *}
  NS_WRITTEN=$((NS_WRITTEN + NS_SIZE))
  ns_json "$1"
  NS_MREC="{\"member\":$NS_J,\"bytes\":$NS_SIZE,\"sha256\":\"$_msha\"}"
  printf '%s\0' "$NS_TOP/$1" >>"$NS_WORK/members0"
  ns_encode "$NS_TOP/$1"
  printf '%s\n' "$NS_E" >>"$NS_WORK/members"
}

# Redacts staged text file $2 (member $1) in place (collector/redact: the same rules as a sed
# program) and keeps its redaction records aside, for ns_keep_redactions once the member is
# written. Counts are grep counts of each rule on the original bytes, as the Node redactor counts.
# Fails closed: when sed fails the file is emptied and NS_REDACT_FAILED set, never kept as it was.
ns_redact() {
  : >"$NS_WORK/pending-redactions"
  NS_REDACT_FAILED=
  [ -s "$2" ] || return 0
  # one grep for all rules first: most members hold nothing to redact
  ns_redaction_candidate "$2" || return 0
  ns_count_redactions "$1" "$2" >>"$NS_WORK/pending-redactions"
  [ -s "$NS_WORK/pending-redactions" ] || return 0
  if sed -E -f "$NS_WORK/redact.sed" "$2" >"$2.red" 2>"$NS_WORK/sed.err"; then
    mv -f "$2.red" "$2"
  else
    : >"$2"
    rm -f "$2.red"
    NS_REDACT_FAILED=$(head -n 1 "$NS_WORK/sed.err")
    NS_REDACT_FAILED="redaction failed, content dropped: ${NS_REDACT_FAILED:-sed error}"
    : >"$NS_WORK/pending-redactions"
  fi
}

ns_keep_redactions() {
  [ -s "$NS_WORK/pending-redactions" ] && cat "$NS_WORK/pending-redactions" >>"$NS_WORK/redactions"
  : >"$NS_WORK/pending-redactions"
}

# Line numbers of file $1 matching rule pattern $2 into hits; fails on none.
ns_rule_hits() {
  grep -a -n -E -e "$2" <"$1" | cut -d: -f1 >"$NS_WORK/hits"
  NS_RCOUNT=$(wc -l <"$NS_WORK/hits" | tr -d ' ')
  [ "$NS_RCOUNT" -gt 0 ]
}

# The manifest redaction record of member $1, rule $2 from the last ns_rule_hits (first 100 lines).
ns_redaction_record() {
  _rl=$(head -n 100 "$NS_WORK/hits" | tr '\n' ',')
  ns_json "$1"
  printf '{"member":%s,"rule":"%s","count":%s,"lines":[%s]}\n' "$NS_J" "$2" "$NS_RCOUNT" "${_rl%,}"
}

# ---- manifest items -------------------------------------------------------------------------------

# Appends a manifest item. Fields come from R_* variables (R_ARGV and R_OUTPUT/R_STDERR are JSON
# already); unset ones are left out, as the Node collector leaves undefined fields out.
ns_record() {
  ns_json "$R_SOURCE"; _o="{\"source\":$NS_J"
  ns_json "$R_ITEM"; _o="$_o,\"item\":$NS_J,\"kind\":\"$R_KIND\""
  [ -n "$R_ARGV" ] && _o="$_o,\"argv\":$R_ARGV"
  if [ -n "$R_HAS_PATH" ]; then ns_json "$R_PATH"; _o="$_o,\"path\":$NS_J"; fi
  _o="$_o,\"status\":\"$R_STATUS\""
  if [ -n "$R_REASON" ]; then ns_json "$R_REASON"; _o="$_o,\"reason\":$NS_J"; fi
  if [ -n "$R_RAN" ]; then
    _o="$_o,\"exitCode\":${R_EXIT:-null}"
    if [ -n "$R_SIGNAL" ]; then _o="$_o,\"signal\":\"$R_SIGNAL\""; else _o="$_o,\"signal\":null"; fi
  fi
  _o="$_o,\"durationMs\":${R_DURATION:-0}"
  [ -n "$R_OUTPUT" ] && _o="$_o,\"output\":$R_OUTPUT"
  [ -n "$R_STDERR" ] && _o="$_o,\"stderr\":$R_STDERR"
  if [ "$R_TRUNC" = 1 ]; then _o="$_o,\"truncated\":true"; else _o="$_o,\"truncated\":false"; fi
  if [ -n "$R_MTIME" ]; then _o="$_o,\"mtime\":\"$R_MTIME\",\"mode\":\"$R_MODE\",\"fileSize\":$R_FSIZE"; fi
  printf '%s}\n' "$_o" >>"$NS_WORK/items"
  case $R_STATUS in
    ok) NS_N_OK=$((NS_N_OK + 1)) ;;
    failed) NS_N_FAILED=$((NS_N_FAILED + 1)) ;;
    timeout) NS_N_TIMEOUT=$((NS_N_TIMEOUT + 1)) ;;
    *) NS_N_SKIPPED=$((NS_N_SKIPPED + 1)) ;;
  esac
  [ "$R_TRUNC" = 1 ] && NS_N_TRUNC=$((NS_N_TRUNC + 1))
  if [ "$NS_VERBOSE" = 1 ]; then
    if [ -n "$R_HAS_PATH" ]; then _what="$R_SOURCE $R_PATH"; else _what="$R_SOURCE/$R_ITEM"; fi
    _trunc=
    [ "$R_TRUNC" = 1 ] && _trunc=' truncated'
    printf '  %s: %s%s%s %sms\n' "$_what" "$R_STATUS" "$_trunc" "${R_REASON:+ ($R_REASON)}" "${R_DURATION:-0}" >&2
  fi
}

ns_record_reset() {
  R_SOURCE=$1 R_ITEM=$2 R_KIND=$3
  R_ARGV= R_PATH= R_HAS_PATH= R_STATUS=skipped R_REASON= R_RAN= R_EXIT= R_SIGNAL= R_DURATION=0
  R_OUTPUT= R_STDERR= R_TRUNC=0 R_MTIME= R_MODE= R_FSIZE=
}

# Writes the staged output ($1 member, $2 file) and stderr ($3 member, $4 file) of the current
# item under the size cap (collector/run/member-writer.ts), then records the item.
ns_write_item() {
  if [ -n "$2" ] && [ -f "$2" ]; then
    ns_redact "$1" "$2"
    if [ -n "$NS_REDACT_FAILED" ]; then
      R_STATUS=failed
      R_REASON=$NS_REDACT_FAILED
    fi
    ns_add_member "$1" "$2"
    if [ -n "$NS_MREC" ]; then
      R_OUTPUT=$NS_MREC
      ns_keep_redactions
    fi
    if [ "$NS_CUT" = 1 ]; then
      R_TRUNC=1
      R_REASON="${R_REASON:+$R_REASON; }snapshot size cap reached"
      [ -n "$NS_MREC" ] || R_STATUS=skipped
    fi
  fi
  if [ -n "$4" ] && [ -s "$4" ]; then
    ns_redact "$3" "$4"
    ns_add_member "$3" "$4"
    if [ -n "$NS_MREC" ]; then
      R_STDERR=$NS_MREC
      ns_keep_redactions
    fi
  fi
  rm -f "$2" "$4"
  ns_record
}

# ---- --only / --skip --------------------------------------------------------------------------------

# NS_EXCLUDED <- why source $1 is not collected (empty when it is). $2 = 1 for on-demand sources.
ns_excluded() {
  NS_EXCLUDED=
  if [ -n "$NS_ONLY" ] && [ "$2" != 1 ]; then
    case " $NS_ONLY " in *" $1 "*) ;; *) NS_EXCLUDED='excluded by --only' ;; esac
  fi
  case " $NS_SKIP " in *" $1 "*) NS_EXCLUDED='excluded by --skip' ;; esac
}

# ---- command and shell items (collector/run/command-item.ts) ------------------------------------------

# Candidate argv lists of the next command item, as sh words for eval: ns_cand ARGV [SINCE_ARGS].
ns_cand() {
  NS_NCAND=$((NS_NCAND + 1))
  if [ -n "$NS_SINCE" ] && [ -n "$2" ]; then
    eval "NS_CAND_$NS_NCAND=\$1' '\$2"
  else
    eval "NS_CAND_$NS_NCAND=\$1"
  fi
  [ "$NS_NCAND" = 1 ] && NS_CAND_RAW=$1
}

# Runs one attempt: argv in "$@", output capped at NS_MAX (+1 byte to tell a cut), stderr at 1 MiB.
ns_attempt() {
  rm -f "$NS_WORK/out" "$NS_WORK/err" "$NS_WORK/rc" "$NS_TIMEDOUT_FLAG"
  {
    ns_timed "$@" </dev/null 2>"$NS_WORK/err.raw"
    echo $? >"$NS_WORK/rc"
  } | head -c $((NS_MAX + 1)) >"$NS_WORK/out"
  A_RC=$(cat "$NS_WORK/rc" 2>/dev/null)
  [ -n "$A_RC" ] || A_RC=1
  head -c 1048576 "$NS_WORK/err.raw" >"$NS_WORK/err" 2>/dev/null
  rm -f "$NS_WORK/err.raw"
  A_TIMEDOUT=0
  [ -f "$NS_TIMEDOUT_FLAG" ] && A_TIMEDOUT=1
  A_CAPPED=0
  ns_size "$NS_WORK/out"
  if [ "$NS_SIZE" -gt "$NS_MAX" ]; then
    A_CAPPED=1
    head -c "$NS_MAX" "$NS_WORK/out" >"$NS_WORK/out.cut" && mv -f "$NS_WORK/out.cut" "$NS_WORK/out"
  fi
  A_ARGV_JSON=
  ns_json_array "$@"
  A_ARGV_JSON=$NS_JA
}

# Status of the kept attempt, as statusOf() in command-item.ts.
ns_attempt_status() {
  R_RAN=1
  R_EXIT=$A_RC
  R_SIGNAL=
  if [ "$A_TIMEDOUT" = 1 ]; then
    R_STATUS=timeout R_REASON='killed after its timeout' R_EXIT=null R_SIGNAL=SIGTERM
    return 0
  fi
  if [ "$A_RC" -gt 128 ] && [ "$A_RC" -le 192 ]; then
    R_EXIT=null
    R_SIGNAL="SIG$(kill -l $((A_RC - 128)) 2>/dev/null)"
    [ "$R_SIGNAL" = SIG ] && R_SIGNAL="SIG$((A_RC - 128))"
  fi
  if [ "$A_CAPPED" = 1 ]; then
    R_STATUS=ok R_REASON='output cap reached' R_TRUNC=1
  elif [ "$A_RC" = 0 ]; then
    R_STATUS=ok
  elif [ -n "$R_SIGNAL" ]; then
    R_STATUS=failed R_REASON="killed by $R_SIGNAL"
  else
    R_STATUS=failed R_REASON="exit code $A_RC"
  fi
}

# ns_command SOURCE ID EXT TIMEOUT MAXBYTES NEEDSROOT REQ_ALL REQ_ANY, after its ns_cand calls.
ns_command() {
  ns_record_reset "$1" "$2" command
  _member="$1/$2.$3"
  _errmember="$1/$2.stderr"
  NS_T=$4 NS_MAX=$5
  _needs_root=$6 _req_all=$7 _req_any=$8
  _ncand=$NS_NCAND
  NS_NCAND=0
  ns_excluded "$1" 0
  if [ -n "$NS_EXCLUDED" ]; then
    eval "set -- $NS_CAND_RAW"
    ns_json_array "$@"
    R_ARGV=$NS_JA R_REASON=$NS_EXCLUDED
    ns_record
    return 0
  fi
  eval "set -- $NS_CAND_1"
  ns_json_array "$@"
  R_ARGV=$NS_JA
  if [ "$_needs_root" = 1 ] && [ "$NS_ROOT" != 1 ]; then
    R_REASON='not root'
    ns_record
    return 0
  fi
  _tools=
  _any=0
  _i=1
  while [ "$_i" -le "$_ncand" ]; do
    eval "_cw=\$NS_CAND_$_i"
    eval "set -- $_cw"
    case ", $_tools, " in *", $1, "*) ;; *) _tools="${_tools:+$_tools, }$1" ;; esac
    ns_which "$1" && _any=1
    _i=$((_i + 1))
  done
  if [ "$_any" = 0 ]; then
    R_REASON="tool not found: $_tools"
    ns_record
    return 0
  fi
  if ns_modules_missing "$_req_all" "$_req_any"; then
    R_REASON=$NS_REASON
    ns_record
    return 0
  fi
  ns_now_ms
  _started=$NS_NOW
  _i=1
  while [ "$_i" -le "$_ncand" ]; do
    eval "_cw=\$NS_CAND_$_i"
    eval "set -- $_cw"
    _i=$((_i + 1))
    ns_which "$1" || continue
    ns_attempt "$@"
    [ "$A_TIMEDOUT" = 1 ] || [ "$A_CAPPED" = 1 ] || [ "$A_RC" = 0 ] && break
  done
  ns_now_ms
  R_DURATION=$((NS_NOW - _started))
  R_ARGV=$A_ARGV_JSON
  ns_attempt_status
  mv -f "$NS_WORK/out" "$NS_WORK/member.out"
  mv -f "$NS_WORK/err" "$NS_WORK/member.err"
  ns_write_item "$_member" "$NS_WORK/member.out" "$_errmember" "$NS_WORK/member.err"
}

# ns_shell SOURCE ID EXT TIMEOUT MAXBYTES NEEDSROOT REQ_ALL REQ_ANY TOOL SCRIPT
ns_shell() {
  ns_record_reset "$1" "$2" shell
  _member="$1/$2.$3"
  _errmember="$1/$2.stderr"
  NS_T=$4 NS_MAX=$5
  ns_json_array sh -c "${10}"
  R_ARGV=$NS_JA
  ns_excluded "$1" 0
  if [ -n "$NS_EXCLUDED" ]; then
    R_REASON=$NS_EXCLUDED
    ns_record
    return 0
  fi
  if [ "$6" = 1 ] && [ "$NS_ROOT" != 1 ]; then
    R_REASON='not root'
    ns_record
    return 0
  fi
  if [ -n "$9" ] && ! ns_which "$9"; then
    R_REASON="tool not found: $9"
    ns_record
    return 0
  fi
  if ns_modules_missing "$7" "$8"; then
    R_REASON=$NS_REASON
    ns_record
    return 0
  fi
  ns_now_ms
  _started=$NS_NOW
  ns_attempt sh -c "${10}"
  ns_now_ms
  R_DURATION=$((NS_NOW - _started))
  ns_attempt_status
  mv -f "$NS_WORK/out" "$NS_WORK/member.out"
  mv -f "$NS_WORK/err" "$NS_WORK/member.err"
  ns_write_item "$_member" "$NS_WORK/member.out" "$_errmember" "$NS_WORK/member.err"
}

# ---- file items (collector/run/file-item.ts) -------------------------------------------------------
# Generated code calls, per file item:
#   if ns_files_begin SOURCE ID ROOT MAXBYTES MAXFILES; then
#     ns_files_pattern PATTERN ...; ns_files_find DIR MAXDEPTH NAME...; ns_files_end
#   fi
# and, for a source of file items only, ns_nothing_found SOURCE FIRST_ID when none found a file.

# Starts a file item; fails (after recording it) when its source is excluded.
ns_files_begin() {
  _fsrc=$1 _fid=$2 _fmax=$4 _fmaxfiles=$5
  ns_excluded "$_fsrc" 0
  if [ -n "$NS_EXCLUDED" ]; then
    ns_record_reset "$_fsrc" "$_fid" files
    R_REASON=$NS_EXCLUDED
    ns_record
    return 1
  fi
  if [ "$3" = host ]; then NS_R=$NS_HOSTROOT; else NS_R=; fi
  : >"$NS_WORK/found"
  return 0
}

ns_files_pattern() {
  ns_expand '' '' "$1"
}

ns_files_find() {
  _fdir=$1 _fdepth=$2
  shift 2
  while [ "${_fdir%/}" != "$_fdir" ]; do _fdir=${_fdir%/}; done
  ns_canonical "$_fdir" || return 0
  NS_VISITED=
  NS_FIND_BUDGET=200000
  _fnames=
  for _fn in "$@"; do _fnames="$_fnames$_fn$NS_NL"; done
  ns_find_walk "$_fdir" "$NS_CANON" 1 "$_fdepth" "$_fnames"
}

# Sorts and deduplicates what matched, marks private key names (K) and collects the rest in order.
ns_files_end() {
  LC_ALL=C sort -u "$NS_WORK/found" | sed -E -f "$NS_WORK/keynames.sed" >"$NS_WORK/found.sorted"
  _taken=0
  while IFS= read -r _fline; do
    _fkey=${_fline%% *}
    ns_decode "${_fline#* }"
    ns_one_file "$NS_D" "$_fkey"
  done <"$NS_WORK/found.sorted"
  rm -f "$NS_WORK/found" "$NS_WORK/found.sorted"
}

# Collects matched file $1 (a path as matched; $2 = K for a private key name) of the current item.
ns_one_file() {
  ns_record_reset "$_fsrc" "$_fid" files
  R_PATH=$1 R_HAS_PATH=1
  ns_canonical "$1" || return 0
  ns_host_path "$NS_CANON"
  _fhost=$NS_HOST
  [ -f "$_fhost" ] || return 0
  NS_SRC_FOUND=$((NS_SRC_FOUND + 1))
  ns_file_meta "$_fhost"
  if [ "$2" = K ]; then
    R_REASON='private key file'
    ns_record
    return 0
  fi
  if [ "$_fmaxfiles" -gt 0 ] && [ "$_taken" -ge "$_fmaxfiles" ]; then
    R_REASON="more than maxFiles ($_fmaxfiles) files matched"
    ns_record
    return 0
  fi
  _taken=$((_taken + 1))
  # no per-file duration (0): two date(1) runs per file would double the time of a big tree
  R_STATUS=ok
  if head -c $((_fmax + 1)) <"$_fhost" >"$NS_WORK/file.out" 2>"$NS_WORK/file.err"; then
    ns_size "$NS_WORK/file.out"
    if [ "$NS_SIZE" -gt "$_fmax" ]; then
      head -c "$_fmax" "$NS_WORK/file.out" >"$NS_WORK/file.cut" && mv -f "$NS_WORK/file.cut" "$NS_WORK/file.out"
      R_TRUNC=1 R_REASON='output cap reached'
    fi
  else
    R_STATUS=failed
    R_REASON=$(sed -n '1{s/^.*: *//;p;}' "$NS_WORK/file.err" 2>/dev/null)
    R_REASON=${R_REASON:-cannot read file}
  fi
  rm -f "$NS_WORK/file.err"
  if [ "$R_STATUS" = failed ] && ! [ -s "$NS_WORK/file.out" ]; then
    rm -f "$NS_WORK/file.out"
    ns_record
    return 0
  fi
  ns_member_of_file "$_fsrc" "$1"
  ns_write_item "$NS_MEMBER" "$NS_WORK/file.out" '' ''
}

# NS_MEMBER <- member of file $2 of source $1 (layout.ts fileMember).
ns_member_of_file() {
  _mp=$2
  while [ "${_mp#/}" != "$_mp" ]; do _mp=${_mp#/}; done
  NS_MEMBER="$1/$_mp"
}

# R_MTIME, R_MODE, R_FSIZE of host file $1: ISO 8601 UTC with milliseconds rounded as Node
# rounds them (nearest), a 4-digit octal mode, the size.
ns_file_meta() {
  _meta=$(TZ=UTC stat -L -c '%s %a %Y %y' "$1" 2>/dev/null) || return 0
  # 1271 644 1795304968 2026-11-21 23:49:28.340789468 +0000
  set -f
  # shellcheck disable=SC2086 # splitting the stat line into its fields
  set -- $_meta
  set +f
  R_FSIZE=$1 R_MODE=$2
  while [ ${#R_MODE} -lt 4 ]; do R_MODE="0$R_MODE"; done
  _time=${5%%.*}
  case $5 in
    *.*) _ns=${5#*.}000000000; _ns=${_ns%"${_ns#?????????}"} ;;
    *) _ns=000000000 ;;
  esac
  while [ "${_ns#0}" != "$_ns" ]; do _ns=${_ns#0}; done
  _ms=$(((${_ns:-0} + 500000) / 1000000))
  if [ "$_ms" -ge 1000 ]; then
    # rounding carried into the next second (and maybe the next day): let date do the calendar
    R_MTIME=$(date -u -d "@$(($3 + 1))" +%Y-%m-%dT%H:%M:%S.000Z 2>/dev/null) || R_MTIME="${4}T$_time.999Z"
    return 0
  fi
  while [ ${#_ms} -lt 3 ]; do _ms="0$_ms"; done
  R_MTIME="${4}T$_time.${_ms}Z"
}

# The one record of a file-only source that found nothing (recordNothingFound); NS_SRC_FOUND counts.
ns_nothing_found() {
  [ "$NS_SRC_FOUND" = 0 ] || return 0
  ns_excluded "$1" 0
  [ -z "$NS_EXCLUDED" ] || return 0
  ns_record_reset "$1" "$2" files
  R_REASON='no matching files'
  ns_record
}

# ---- captures (collector/run/pcap-capture.ts) --------------------------------------------------------

ns_pcap_item_of() {
  NS_PITEM=$(printf '%s' "$1" | sed 's/[^A-Za-z0-9_.@:-]/_/g')
}

# Starts one tcpdump per --pcap interface, all at once; waits (3 s at most) until they listen.
ns_start_captures() {
  [ -n "$NS_PCAPS" ] || return 0
  ns_excluded pcap 1
  [ -z "$NS_EXCLUDED" ] || return 0
  NS_PCAP_STARTED=1
  for _pif in $NS_PCAPS; do
    ns_pcap_item_of "$_pif"
    _pdir="$NS_WORK/pcap-$NS_PITEM"
    mkdir -p "$_pdir"
    [ "$NS_ROOT" = 1 ] || { echo 'not root' >"$_pdir/skip"; continue; }
    ns_which tcpdump || { echo 'tool not found: tcpdump' >"$_pdir/skip"; continue; }
    ns_now_ms
    echo "$NS_NOW" >"$_pdir/start"
    (
      # SIGINT after the capture time (tcpdump flushes and exits 0), then the grace of the Node
      # collector before it is treated as hung.
      NS_T=$((NS_PCAP_SECONDS + 10))
      {
        if [ -n "$NS_PCAP_FILTER" ]; then
          ns_pcap_run "$_pif" "$NS_PCAP_FILTER"
        else
          ns_pcap_run "$_pif"
        fi
        echo $? >"$_pdir/rc"
      } | head -c $((NS_PCAP_BYTES + 1)) >"$_pdir/data"
      ns_now_ms
      echo "$NS_NOW" >"$_pdir/end"
    ) >/dev/null 2>&1 </dev/null &
    echo $! >"$_pdir/pid"
    NS_PIDS="$NS_PIDS $!"
  done
  _pw=0
  while [ "$_pw" -lt 3 ]; do
    _pready=1
    for _pif in $NS_PCAPS; do
      ns_pcap_item_of "$_pif"
      _pdir="$NS_WORK/pcap-$NS_PITEM"
      [ -f "$_pdir/skip" ] || [ -s "$_pdir/err" ] || [ -f "$_pdir/rc" ] || _pready=0
    done
    [ "$_pready" = 1 ] && break
    sleep 1
    _pw=$((_pw + 1))
  done
}

# tcpdump on $1 (filter $2), stopped by SIGINT after --pcap-seconds; stderr kept beside the data.
ns_pcap_run() {
  _pargs="-i $1 -n -U -s 262144 -c $NS_PCAP_PACKETS -w -"
  # shellcheck disable=SC2086 # fixed words, the interface name was checked
  set -- tcpdump $_pargs ${2:+"$2"}
  case $NS_TIMEOUT in
    gnu) timeout -s INT -k 10 "$NS_PCAP_SECONDS" "$@" 2>"$_pdir/err" ;;
    *)
      "$@" 2>"$_pdir/err" &
      _pp=$!
      ( sleep "$NS_PCAP_SECONDS"; kill -s INT "$_pp" 2>/dev/null; sleep 10; kill -s KILL "$_pp" 2>/dev/null ) >/dev/null 2>&1 &
      wait "$_pp"
      ;;
  esac
}

# Waits for every capture and writes pcap/<iface>.pcap and .stderr.
ns_write_pcaps() {
  NS_PCAP_WRITTEN=1
  [ -n "$NS_PCAPS" ] || return 0
  ns_excluded pcap 1
  for _pif in $NS_PCAPS; do
    ns_pcap_item_of "$_pif"
    _pdir="$NS_WORK/pcap-$NS_PITEM"
    ns_record_reset pcap "$NS_PITEM" pcap
    # shellcheck disable=SC2086
    set -- tcpdump -i "$_pif" -n -U -s 262144 -c "$NS_PCAP_PACKETS" -w - ${NS_PCAP_FILTER:+"$NS_PCAP_FILTER"}
    ns_json_array "$@"
    R_ARGV=$NS_JA
    if [ -n "$NS_EXCLUDED" ]; then
      R_ITEM=$_pif R_ARGV= R_REASON=$NS_EXCLUDED
      ns_record
      continue
    fi
    if [ -f "$_pdir/skip" ]; then
      R_REASON=$(cat "$_pdir/skip")
      ns_record
      continue
    fi
    wait "$(cat "$_pdir/pid")" 2>/dev/null
    _prc=$(cat "$_pdir/rc" 2>/dev/null)
    R_RAN=1 R_EXIT=${_prc:-null}
    R_DURATION=$(($(cat "$_pdir/end") - $(cat "$_pdir/start")))
    ns_size "$_pdir/data"
    if [ "$NS_SIZE" -gt "$NS_PCAP_BYTES" ]; then
      # Cut at the cap, then let tcpdump keep the whole records only.
      head -c "$NS_PCAP_BYTES" "$_pdir/data" >"$_pdir/cut"
      tcpdump -r "$_pdir/cut" -w "$_pdir/data" >/dev/null 2>&1
      R_STATUS=ok R_REASON='byte cap reached' R_TRUNC=1
    elif [ "$_prc" = 0 ] || { [ "$NS_SIZE" -gt 0 ] && case $_prc in 124 | 130) true ;; *) false ;; esac; }; then
      # 124: GNU timeout sent the SIGINT that ends a timed capture; 130: the watchdog did
      R_STATUS=ok
      [ "$_prc" = 130 ] && R_EXIT=null R_SIGNAL=SIGINT
      [ "$_prc" = 124 ] && R_EXIT=0
    elif [ "$_prc" = 137 ]; then
      R_STATUS=timeout R_REASON='tcpdump did not stop when asked' R_EXIT=null R_SIGNAL=SIGKILL
    else
      R_STATUS=failed R_REASON="exit code ${_prc:-?}"
    fi
    # captures are binary: never redacted
    ns_add_member "pcap/$NS_PITEM.pcap" "$_pdir/data"
    if [ -n "$NS_MREC" ]; then R_OUTPUT=$NS_MREC; fi
    if [ "$NS_CUT" = 1 ]; then
      R_TRUNC=1
      R_REASON="${R_REASON:+$R_REASON; }snapshot size cap reached"
      [ -n "$NS_MREC" ] || R_STATUS=skipped
    fi
    if [ -s "$_pdir/err" ]; then
      head -c 1048576 "$_pdir/err" >"$_pdir/err.cut"
      ns_add_member "pcap/$NS_PITEM.stderr" "$_pdir/err.cut"
      [ -n "$NS_MREC" ] && R_STDERR=$NS_MREC
    fi
    ns_record
  done
}

# ---- attachments (collector/run/attachments.ts) ----------------------------------------------------------

ns_write_attachments() {
  NS_ATTACH_WRITTEN=1
  [ -n "$NS_ATTACH" ] || return 0
  ns_excluded attachments 1
  _ai=0
  while IFS= read -r _aline; do
    ns_decode "$_aline"
    _afile=$NS_D
    _ai=$((_ai + 1))
    _abase=${_afile##*/}
    _asafe=$(printf '%s' "$_abase" | sed 's/[^A-Za-z0-9_.-]/_/g; s/^\.\{1,\}/_/')
    _anum=$_ai
    [ "$_ai" -lt 10 ] && _anum="0$_ai"
    ns_record_reset attachments "$_anum-$_asafe" attachment
    R_PATH=$_afile R_HAS_PATH=1
    if [ -n "$NS_EXCLUDED" ]; then
      R_REASON=$NS_EXCLUDED
      ns_record
      continue
    fi
    ns_now_ms
    _astart=$NS_NOW
    if ! [ -r "$_afile" ]; then
      R_STATUS=failed R_REASON='cannot read file'
      ns_record
      continue
    fi
    ns_file_meta "$_afile"
    _aroom=$((NS_MAX_SIZE - NS_WRITTEN))
    [ "$_aroom" -gt 0 ] || _aroom=0
    head -c "$_aroom" "$_afile" >"$NS_WORK/attach"
    _akind=text
    case $(head -c 4 "$_afile" | od -An -tx1 | tr -d ' \n') in
      a1b2c3d4 | d4c3b2a1 | a1b23c4d | 4d3cb2a1) _akind=pcap ;;
      0a0d0d0a) _akind=pcapng ;;
      *) if [ "$(head -c 8192 "$_afile" | tr -d '\000' | wc -c)" -lt "$(head -c 8192 "$_afile" | wc -c)" ]; then _akind=binary; fi ;;
    esac
    R_STATUS=ok R_REASON="attachment kind: $_akind"
    ns_size "$_afile"
    if [ "$NS_SIZE" -gt "$_aroom" ]; then
      R_TRUNC=1 R_REASON="$R_REASON; snapshot size cap reached"
      if [ "$_aroom" -eq 0 ]; then
        R_STATUS=skipped
        rm -f "$NS_WORK/attach"
        ns_record
        continue
      fi
      if [ "$_akind" = pcap ]; then
        tcpdump -r "$NS_WORK/attach" -w "$NS_WORK/attach.whole" >/dev/null 2>&1 && mv -f "$NS_WORK/attach.whole" "$NS_WORK/attach"
      fi
    fi
    [ "$_akind" = text ] && ns_redact "attachments/$_anum-$_asafe" "$NS_WORK/attach"
    ns_add_member "attachments/$_anum-$_asafe" "$NS_WORK/attach"
    [ -n "$NS_MREC" ] && R_OUTPUT=$NS_MREC && ns_keep_redactions
    ns_now_ms
    R_DURATION=$((NS_NOW - _astart))
    ns_record
  done <"$NS_WORK/attach-list"
}

# ---- options -------------------------------------------------------------------------------------------

ns_help() {
  cat <<EOF
Usage: sh nodesnap-collect.sh [options]

Collects a read-only snapshot of this node into one .tar.gz (nodesnap $NS_VERSION, sh collector).
Run it as root: without root, netfilter and conntrack state is skipped.

  --out PATH            output file, or an existing folder for the default name
  --sysroot DIR         host root to read files from (a container mounting / at /host)
  --pcap IFACE          capture packets on IFACE while collecting (repeatable)
  --pcap-seconds N      capture duration in seconds (default 10)
  --pcap-filter BPF     tcpdump filter expression for the captures
  --pcap-packets N      stop a capture after N packets (default 100000)
  --pcap-bytes BYTES    stop a capture at this size, cut at a whole packet (default 64M)
  --attach FILE         add an existing capture or log file (repeatable)
  --only SOURCES        collect only these sources (comma separated, repeatable)
  --skip SOURCES        do not collect these sources (comma separated, repeatable)
  --since DURATION      how far back logs go: 30m, 2h, 1d
  --label TEXT          free text added to the file name and manifest
  --case-id ID          ticket or case id added to the file name and manifest
  --max-size BYTES      hard cap on the snapshot size before compression (default 1G)
  --concurrency N       accepted for compatibility with nodesnap collect (commands run one at a time)
  --verbose             one line per item on stderr
  -h, --help            this help

Sources:
EOF
  ns_source_help
}

# NS_NUM <- whole number >= 1 from $2 (option $1).
ns_count_arg() {
  case $2 in
    '' | *[!0-9]*) ns_usage_error "$1: expected a whole number, got \"$2\"" ;;
  esac
  [ "$2" -ge 1 ] 2>/dev/null || ns_usage_error "$1: expected a number of at least 1, got \"$2\""
  NS_NUM=$2
}

# NS_NUM <- byte count from $2: 1048576, 512k, 64M, 1G (binary units, optional B or iB).
ns_bytes_arg() {
  _bv=$(printf '%s' "$2" | tr 'A-Z' 'a-z' | sed 's/i\{0,1\}b$//')
  _bn=${_bv%[kmgt]}
  _bu=${_bv#"$_bn"}
  case $_bn in
    '' | *[!0-9]*) ns_usage_error "$1: expected a byte count like 1048576, 64M or 1G, got \"$2\"" ;;
  esac
  case $_bu in
    '') NS_NUM=$_bn ;;
    k) NS_NUM=$((_bn * 1024)) ;;
    m) NS_NUM=$((_bn * 1048576)) ;;
    g) NS_NUM=$((_bn * 1073741824)) ;;
    t) NS_NUM=$((_bn * 1099511627776)) ;;
  esac
  [ "$NS_NUM" -ge 1 ] 2>/dev/null || ns_usage_error "$1: expected a byte count of at least 1, got \"$2\""
}

# Adds the comma separated source names of $2 to list variable $1, checking each.
ns_source_list_arg() {
  _lifs=$IFS
  IFS=,
  set -f
  for _ls in $2; do
    _ls=$(printf '%s' "$_ls" | sed 's/^[ \t]*//; s/[ \t]*$//')
    [ -n "$_ls" ] || continue
    case " $NS_SOURCE_NAMES " in
      *" $_ls "*) ;;
      *) IFS=$_lifs; ns_usage_error "unknown source: $_ls (see the source list in --help)" ;;
    esac
    eval "$1=\"\$$1 \$_ls\""
  done
  set +f
  IFS=$_lifs
}

ns_parse_args() {
  NS_OUT= NS_OUT_SET= NS_SYSROOT= NS_SYSROOT_SET= NS_PCAPS= NS_PCAP_SECONDS=10 NS_PCAP_FILTER=
  NS_PCAP_PACKETS=100000 NS_PCAP_BYTES=67108864 NS_ONLY= NS_SKIP= NS_SINCE= NS_LABEL= NS_LABEL_SET=
  NS_CASE_ID= NS_CASE_ID_SET= NS_MAX_SIZE=$NS_DEFAULT_MAX_SIZE NS_VERBOSE=0 NS_ATTACH=
  : >"$NS_WORK/attach-list"
  while [ $# -gt 0 ]; do
    _opt=$1
    case $_opt in
      --*=*) _val=${_opt#*=}; _opt=${_opt%%=*}; _has=1 ;;
      *) _val=${2-}; _has=$(( $# >= 2 )) ;;
    esac
    case $_opt in
      -h | --help) ns_help; exit 0 ;;
      --verbose) NS_VERBOSE=1; shift; continue ;;
      --out | --sysroot | --pcap | --pcap-seconds | --pcap-filter | --pcap-packets | --pcap-bytes | --attach | --only | --skip | --since | --label | --case-id | --max-size | --concurrency) ;;
      *) ns_usage_error "unknown option: $_opt (see --help)" ;;
    esac
    [ "$_has" = 1 ] || ns_usage_error "option $_opt needs a value"
    case $1 in --*=*) shift ;; *) shift 2 ;; esac
    case $_opt in
      --out) NS_OUT=$_val NS_OUT_SET=1 ;;
      --sysroot) NS_SYSROOT=$_val NS_SYSROOT_SET=1 ;;
      --pcap)
        case $_val in
          '' | *[!A-Za-z0-9_.@:-]*) ns_usage_error "--pcap: not an interface name: $_val" ;;
        esac
        [ ${#_val} -le 64 ] || ns_usage_error "--pcap: not an interface name: $_val"
        case " $NS_PCAPS " in *" $_val "*) ;; *) NS_PCAPS="${NS_PCAPS:+$NS_PCAPS }$_val" ;; esac
        ;;
      --pcap-seconds) ns_count_arg "$_opt" "$_val"; NS_PCAP_SECONDS=$NS_NUM ;;
      --pcap-packets) ns_count_arg "$_opt" "$_val"; NS_PCAP_PACKETS=$NS_NUM ;;
      --pcap-bytes) ns_bytes_arg "$_opt" "$_val"; NS_PCAP_BYTES=$NS_NUM ;;
      --pcap-filter) NS_PCAP_FILTER=$(printf '%s' "$_val" | sed 's/^[ \t]*//; s/[ \t]*$//') ;;
      --attach)
        [ -f "$_val" ] || ns_usage_error "--attach: not a readable file: $_val"
        case $_val in /*) _abs=$_val ;; *) _abs="$(pwd)/$_val" ;; esac
        ns_encode "$_abs"
        printf '%s\n' "$NS_E" >>"$NS_WORK/attach-list"
        NS_ATTACH=1
        ;;
      --only) ns_source_list_arg NS_ONLY "$_val" ;;
      --skip) ns_source_list_arg NS_SKIP "$_val" ;;
      --since) NS_SINCE=$_val ;;
      --label) NS_LABEL=$_val NS_LABEL_SET=1 ;;
      --case-id) NS_CASE_ID=$_val NS_CASE_ID_SET=1 ;;
      --max-size) ns_bytes_arg "$_opt" "$_val"; NS_MAX_SIZE=$NS_NUM ;;
      # accepted so both collectors take one command line; this one runs a command at a time
      --concurrency) ns_count_arg "$_opt" "$_val" ;;
    esac
  done

  # --since: <N>s|m|h|d; journalctl gets "-<go duration>", docker the Go duration (days as hours).
  NS_SINCE_GO= NS_SINCE_REL=
  if [ -n "$NS_SINCE" ]; then
    NS_SINCE=$(printf '%s' "$NS_SINCE" | sed 's/^[ \t]*//; s/[ \t]*$//')
    case $NS_SINCE in
      [1-9]*[smhd]) _sn=${NS_SINCE%?} ;;
      *) _sn=x ;;
    esac
    case $_sn in
      *[!0-9]* | ????????*) ns_usage_error "--since: expected a duration like 30m, 2h or 1d, got \"$NS_SINCE\"" ;;
    esac
    case $NS_SINCE in
      *d) NS_SINCE_GO="$((_sn * 24))h" ;;
      *) NS_SINCE_GO=$NS_SINCE ;;
    esac
    NS_SINCE_REL="-$NS_SINCE_GO"
  fi

  if [ -n "$NS_SYSROOT_SET" ]; then
    [ -d "$NS_SYSROOT" ] || ns_usage_error "--sysroot: not a directory: $NS_SYSROOT"
    NS_SYSROOT=$(cd "$NS_SYSROOT" && pwd) || ns_usage_error "--sysroot: not a directory: $NS_SYSROOT"
  fi
  if [ -n "$NS_OUT_SET" ] && ! [ -d "$NS_OUT" ]; then
    _od=$(dirname -- "$NS_OUT")
    [ -d "$_od" ] || ns_usage_error "--out: folder does not exist: $_od"
  fi
}

# Appends "  \"$1\": $2" (JSON already) to the header fields, one a line.
ns_header_field() {
  NS_HEADER_FIELDS="${NS_HEADER_FIELDS:+$NS_HEADER_FIELDS,$NS_NL}  \"$1\": $2"
}

# NS_CLEAN <- $1 made safe for a file name (layout.ts snapshotBaseName).
ns_clean_name() {
  NS_CLEAN=$(printf '%s' "$1" | tr '\n' '/' | sed 's/[^A-Za-z0-9_.-]\{1,\}/_/g; s/^[._]\{1,\}//' | cut -c1-64)
  NS_CLEAN=${NS_CLEAN:-unknown}
}

# ---- main ----------------------------------------------------------------------------------------------

ns_cleanup() {
  for _p in $NS_PIDS; do kill "$_p" 2>/dev/null; done
  [ -n "$NS_STAGE" ] && rm -rf "$NS_STAGE"
  [ -n "$NS_PARTIAL" ] && rm -f "$NS_PARTIAL"
}

ns_main() {
  # the snapshot is for support engineers only, as the Node collector's (mode 0600)
  umask 077
  NS_STAGE=$(mktemp -d "${TMPDIR:-/tmp}/nodesnap-sh.XXXXXX") || ns_die 'cannot create a temporary folder'
  NS_PARTIAL=
  NS_PIDS=
  trap 'ns_cleanup' EXIT
  trap 'printf "nodesnap collect: interrupted by SIGINT\n" >&2; exit 130' INT
  trap 'printf "nodesnap collect: interrupted by SIGTERM\n" >&2; exit 143' TERM
  NS_WORK="$NS_STAGE/work"
  mkdir -p "$NS_WORK" || ns_die 'cannot create a temporary folder'
  NS_TIMEDOUT_FLAG="$NS_WORK/timedout"
  ns_write_programs "$NS_WORK" || ns_die 'cannot write to the temporary folder'

  ns_json_array sh "$0" "$@"
  NS_COMMAND_LINE=$NS_JA
  ns_parse_args "$@"

  case $(date +%N 2>/dev/null) in
    [0-9][0-9][0-9]*) NS_HAVE_MS=1 ;;
    *) NS_HAVE_MS=0 ;;
  esac
  ns_detect_timeout
  [ "$(id -u 2>/dev/null)" = 0 ] && NS_ROOT=1 || NS_ROOT=0
  NS_HOSTROOT=
  [ -n "$NS_SYSROOT" ] && [ "$NS_SYSROOT" != / ] && NS_HOSTROOT=$NS_SYSROOT
  # every command sees these, as with the Node collector (shell items use them)
  SYSROOT=$NS_HOSTROOT
  SINCE=$NS_SINCE_GO
  export SYSROOT SINCE

  # one instant for collectedAt and the file name
  if [ "$NS_HAVE_MS" = 1 ]; then
    _now=$(date -u '+%Y-%m-%dT%H:%M:%S.%3NZ %Y%m%dT%H%M%SZ %z')
  else
    _now=$(date -u '+%Y-%m-%dT%H:%M:%S.000Z %Y%m%dT%H%M%SZ %z')
  fi
  NS_COLLECTED_AT=${_now%% *}
  _now=${_now#* }
  _stamp=${_now%% *}
  NS_UTC_OFFSET=$(date +%z)

  NS_HOSTNAME=$(uname -n 2>/dev/null)
  [ -n "$NS_HOSTNAME" ] || NS_HOSTNAME=$(cat /proc/sys/kernel/hostname 2>/dev/null)
  NS_MACHINE_ID=
  [ -r "$NS_HOSTROOT/etc/machine-id" ] && NS_MACHINE_ID=$(sed 's/^[ \t]*//; s/[ \t\r]*$//' "$NS_HOSTROOT/etc/machine-id" | sed '/^$/d')
  NS_TZ=
  _lt=$(readlink "$NS_HOSTROOT/etc/localtime" 2>/dev/null)
  case $_lt in *zoneinfo/*) NS_TZ=${_lt#*zoneinfo/} ;; esac
  [ -n "$NS_TZ" ] || { [ -r "$NS_HOSTROOT/etc/timezone" ] && NS_TZ=$(sed 's/^[ \t]*//; s/[ \t\r]*$//' "$NS_HOSTROOT/etc/timezone" | sed '/^$/d'); }

  ns_clean_name "$NS_HOSTNAME"
  _base="nodesnap-$NS_CLEAN"
  if [ -n "$NS_CASE_ID" ]; then ns_clean_name "$NS_CASE_ID"; _base="$_base-$NS_CLEAN"; fi
  if [ -n "$NS_LABEL" ]; then ns_clean_name "$NS_LABEL"; _base="$_base-$NS_CLEAN"; fi
  NS_TOP="$_base-$_stamp"
  NS_DIR="$NS_STAGE/$NS_TOP"
  mkdir -p "$NS_DIR" || ns_die 'cannot create a temporary folder'

  if [ -z "$NS_OUT_SET" ]; then
    NS_OUTPUT="$(pwd)/$NS_TOP.tar.gz"
  elif [ -d "$NS_OUT" ] || case $NS_OUT in */) true ;; *) false ;; esac; then
    NS_OUTPUT="$(cd "$NS_OUT" && pwd)/$NS_TOP.tar.gz"
  else
    case $NS_OUT in /*) NS_OUTPUT=$NS_OUT ;; *) NS_OUTPUT="$(pwd)/$NS_OUT" ;; esac
  fi

  ns_module_setup
  NS_WRITTEN=0 NS_N_OK=0 NS_N_FAILED=0 NS_N_TIMEOUT=0 NS_N_SKIPPED=0 NS_N_TRUNC=0
  NS_MOD_YES= NS_MOD_NO= NS_NCAND=0 NS_PCAP_WRITTEN= NS_ATTACH_WRITTEN= NS_PCAP_STARTED=
  : >"$NS_WORK/items"
  : >"$NS_WORK/redactions"
  : >"$NS_WORK/members"
  : >"$NS_WORK/members0"

  # ---- snapshot.json: one field a line, for people reading it with less
  NS_HEADER_FIELDS=
  ns_json "$NS_VERSION"
  ns_header_field format '"nodesnap-snapshot"'
  ns_header_field formatVersion "$NS_FORMAT_VERSION"
  ns_header_field collector "{\"name\": \"nodesnap\", \"version\": $NS_J, \"implementation\": \"sh\"}"
  ns_json "$NS_HOSTNAME"; ns_header_field hostname "$NS_J"
  ns_json_or_null "$NS_MACHINE_ID"; ns_header_field machineId "$NS_J"
  ns_header_field collectedAt "\"$NS_COLLECTED_AT\""
  ns_json_or_null "$NS_TZ"; ns_header_field clock "{\"utcOffset\": \"$NS_UTC_OFFSET\", \"timezone\": $NS_J}"
  if [ "$NS_ROOT" = 1 ]; then ns_header_field root true; else ns_header_field root false; fi
  ns_header_field commandLine "$NS_COMMAND_LINE"
  ns_json_or_null "$NS_SYSROOT"; ns_header_field sysroot "$NS_J"
  if [ -n "$NS_LABEL_SET" ]; then ns_json "$NS_LABEL"; else NS_J=null; fi; ns_header_field label "$NS_J"
  if [ -n "$NS_CASE_ID_SET" ]; then ns_json "$NS_CASE_ID"; else NS_J=null; fi; ns_header_field caseId "$NS_J"
  ns_json_or_null "$NS_SINCE"; ns_header_field since "$NS_J"
  if [ -n "$NS_PCAPS" ]; then _ps=$NS_PCAP_SECONDS; else _ps=null; fi
  ns_header_field limits "{\"maxSnapshotBytes\": $NS_MAX_SIZE, \"pcapSeconds\": $_ps}"

  # Captures start first so they also see the traffic of the collection itself.
  ns_start_captures

  ns_now_ms
  _hstart=$NS_NOW
  printf '{\n%s\n}\n' "$NS_HEADER_FIELDS" >"$NS_WORK/header"
  _cap=$NS_MAX_SIZE
  NS_MAX_SIZE=999999999999999
  ns_add_member snapshot.json "$NS_WORK/header"
  NS_MAX_SIZE=$_cap
  ns_record_reset snapshot header header
  R_STATUS=ok R_OUTPUT=$NS_MREC
  ns_now_ms
  R_DURATION=$((NS_NOW - _hstart))
  ns_record

  ns_collect_sources

  # A registry without capture sources (tests) still gets what was asked for.
  [ -n "$NS_PCAP_WRITTEN" ] || ns_write_pcaps
  [ -n "$NS_ATTACH_WRITTEN" ] || ns_write_attachments

  # ---- manifest.json
  ns_iso_now
  {
    printf '{\n%s,\n  "finishedAt": "%s",\n  "items": [\n' "$NS_HEADER_FIELDS" "$NS_ISO"
    sed 's/^/    /; $!s/$/,/' "$NS_WORK/items"
    printf '  ],\n  "redactions": [\n'
    sed 's/^/    /; $!s/$/,/' "$NS_WORK/redactions"
    printf '  ],\n  "summary": {"ok": %s, "failed": %s, "timeout": %s, "skipped": %s, "truncated": %s, "bytes": %s}\n}\n' \
      "$NS_N_OK" "$NS_N_FAILED" "$NS_N_TIMEOUT" "$NS_N_SKIPPED" "$NS_N_TRUNC" "$NS_WRITTEN"
  } >"$NS_DIR/manifest.json"
  printf '%s\0' "$NS_TOP/manifest.json" >>"$NS_WORK/members0"
  ns_encode "$NS_TOP/manifest.json"
  printf '%s\n' "$NS_E" >>"$NS_WORK/members"

  # ---- the tarball: snapshot.json first, manifest.json last, nothing but the members
  NS_PARTIAL="$NS_OUTPUT.partial"
  if tar --version 2>/dev/null | grep -q 'GNU tar'; then
    tar -C "$NS_STAGE" --null --no-recursion -T "$NS_WORK/members0" -czf "$NS_PARTIAL" || ns_die "cannot write $NS_PARTIAL"
  else
    set --
    while IFS= read -r _line; do
      ns_decode "$_line"
      set -- "$@" "$NS_D"
    done <"$NS_WORK/members"
    (cd "$NS_STAGE" && tar -czf "$NS_PARTIAL" "$@") || ns_die "cannot write $NS_PARTIAL"
  fi
  mv -f "$NS_PARTIAL" "$NS_OUTPUT" || ns_die "cannot write $NS_OUTPUT"
  NS_PARTIAL=
  ns_size "$NS_OUTPUT"
  _redactions=0
  [ -s "$NS_WORK/redactions" ] && _redactions=$(sed 's/.*"count":\([0-9]*\).*/\1/' "$NS_WORK/redactions" | { _t=0; while read -r _n; do _t=$((_t + _n)); done; echo "$_t"; })
  printf 'nodesnap collect: %s (%s bytes): %s ok, %s failed, %s timeout, %s skipped, %s truncated; %s redactions\n' \
    "$NS_OUTPUT" "$NS_SIZE" "$NS_N_OK" "$NS_N_FAILED" "$NS_N_TIMEOUT" "$NS_N_SKIPPED" "$NS_N_TRUNC" "$_redactions" >&2
  printf '%s\n' "$NS_OUTPUT"
}
