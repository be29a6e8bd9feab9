#!/usr/bin/env bash
# tests/tools/terraform-standin.sh: the stand-in Terraform of tests/tools
# keeps its word, run by hand in temporary copies of terraform/stacks/<name>
# (stack modules: declared outputs, plan, state list/pull, show -json,
# drift, destroy, failures and hangs on demand) and of terraform/aws (the
# provisioning module, whose behaviour the provisioning suites rely on).
# Needs no server: BASE_URL is only there because tests/lib.sh asks for it.
#
# Test bodies are single-quoted strings that lib.sh evaluates, and the
# variables they use are set here: hence SC2016 and SC2034.
# shellcheck disable=SC2016,SC2034
SUITE=terraform-standin
export BASE_URL=${BASE_URL:-http://127.0.0.1:9}
# shellcheck source=tests/lib.sh
. "$(dirname "$0")/../lib.sh"
unset CONTRACT_DIR

ROOT=$(cd "$(dirname "$0")/../.." && pwd)
TF=$ROOT/tests/tools/terraform
STACKS=$ROOT/terraform/stacks
CTX='{"project":"demo","environment":"dev","region":"eu-west-1"}'

# stack DIR NAME [TFVARS]: DIR becomes a copy of the stack NAME with its
# terraform.tfvars.json (the context variables unless TFVARS is given).
stack() {
	mkdir -p "$1" && cp -r "$STACKS/$2/." "$1/" && printf '%s\n' "${3:-$CTX}" >"$1/terraform.tfvars.json"
}
# tf DIR ARGS...: runs the stand-in in DIR.
tf() {
	local d=$1
	shift
	(cd "$d" && "$TF" "$@")
}
# rc COMMAND...: the exit status of COMMAND, printed.
rc() {
	local r=0
	"$@" >/dev/null 2>&1 || r=$?
	echo "$r"
}
# resources DIR: TYPE.NAME of the resource lines of DIR/main.tf, sorted.
resources() {
	sed -n 's/^resource *"\([^"]*\)" *"\([^"]*\)".*/\1.\2/p' "$1/main.tf" | LC_ALL=C sort
}
# declared DIR: the output names of DIR/outputs.tf, sorted.
declared() {
	sed -n 's/^output *"\([^"]*\)".*/\1/p' "$1/outputs.tf" | LC_ALL=C sort
}
PLAN=(plan -input=false -no-color -detailed-exitcode)
NET=$TEST_TMP/network

# ------------------------------------------------------------------ plan before apply

test_expect_success 'the stand-in says what it is' '
	"$TF" version | grep -q "stand-in"
'

test_expect_success 'plan without init is an error (exit 1)' '
	stack "$NET" network &&
	test "$(rc tf "$NET" "${PLAN[@]}")" = 1
'

test_expect_success 'a plan on an empty state: every resource of main.tf to add, exit 2, plan.log, -out' '
	tf "$NET" init -input=false -no-color >/dev/null &&
	n=$(resources "$NET" | wc -l) && test "$n" -gt 3 &&
	r=0 && tf "$NET" "${PLAN[@]}" -out=tfplan >"$TEST_TMP/plan.out" || r=$? &&
	test "$r" = 2 &&
	grep -qx "Plan: $n to add, 0 to change, 0 to destroy." "$TEST_TMP/plan.out" &&
	test "$(wc -l <"$NET/plan.log")" = 1 &&
	grep -q "^plan add=$n change=0 destroy=0 refresh_only=0 " "$NET/plan.log" &&
	jq -e ".add == $n" "$NET/tfplan" &&
	test ! -e "$NET/terraform.tfstate"
'

test_expect_success 'show -json of a saved plan: resource_changes with each address and its action' '
	tf "$NET" show -json tfplan >"$TEST_TMP/plan.json" &&
	test "$(jq -r ".resource_changes[].address" "$TEST_TMP/plan.json")" = "$(resources "$NET")" &&
	jq -e "[.resource_changes[].change.actions] | unique == [[\"create\"]]" "$TEST_TMP/plan.json" &&
	jq -e ".resource_changes[0] | .type == (.address | split(\".\"))[0] and .mode == \"managed\"" "$TEST_TMP/plan.json" &&
	test "$(rc tf "$NET" show -json terraform.tfvars.json)" = 1
'

test_expect_success 'plan without -detailed-exitcode exits 0; an unknown flag is an error' '
	test "$(rc tf "$NET" plan -input=false -no-color)" = 0 &&
	test "$(rc tf "$NET" plan -input=false -no-color -bogus)" = 1 &&
	test "$(wc -l <"$NET/plan.log")" = 2
'

test_expect_success 'a variable without a default missing from terraform.tfvars.json fails plan and apply' '
	d=$TEST_TMP/novar && stack "$d" network "{\"project\":\"demo\",\"region\":\"eu-west-1\"}" &&
	tf "$d" init >/dev/null &&
	! tf "$d" "${PLAN[@]}" 2>"$TEST_TMP/err" &&
	grep -q "No value for required variable.*\"environment\"" "$TEST_TMP/err" &&
	test "$(rc tf "$d" apply -input=false -auto-approve -no-color)" = 1 &&
	test ! -e "$d/terraform.tfstate" && test ! -e "$d/apply.log"
'

# ------------------------------------------------------------------ apply and outputs

test_expect_success 'apply records every resource of main.tf and every declared output' '
	tf "$NET" apply -input=false -auto-approve -no-color >"$TEST_TMP/apply.out" &&
	n=$(resources "$NET" | wc -l) &&
	grep -qx "Apply complete! Resources: $n added, 0 changed, 0 destroyed." "$TEST_TMP/apply.out" &&
	test "$(jq -r ".resources[] | \"\(.type).\(.name)\"" "$NET/terraform.tfstate")" = "$(resources "$NET")" &&
	test "$(jq -r ".outputs | keys[]" "$NET/terraform.tfstate" | LC_ALL=C sort)" = "$(declared "$NET")" &&
	grep -q "^apply count=$n " "$NET/apply.log"
'

test_expect_success 'output -json is Terraform'"'"'s format: sensitive, type, value for each output' '
	tf "$NET" output -json >"$TEST_TMP/out.json" &&
	test "$(jq -r "keys[]" "$TEST_TMP/out.json" | LC_ALL=C sort)" = "$(declared "$NET")" &&
	jq -e "[.[] | keys_unsorted] | unique == [[\"sensitive\",\"type\",\"value\"]]" "$TEST_TMP/out.json" &&
	jq -e "[.[] | .sensitive] | unique == [false]" "$TEST_TMP/out.json" &&
	jq -e ".vpc_id.type == \"string\" and (.vpc_id.value | type) == \"string\"" "$TEST_TMP/out.json" &&
	jq -e ".public_subnet_ids.type == [\"tuple\", [\"string\", \"string\"]]" "$TEST_TMP/out.json" &&
	jq -e "(.public_subnet_ids.value | length) == 2 and (.public_subnet_ids.value | map(type) | unique) == [\"string\"]" "$TEST_TMP/out.json" &&
	jq -e ".availability_zones.type[0] == \"tuple\"" "$TEST_TMP/out.json"
'

test_expect_success 'output -json NAME prints that value alone; an unknown name is an error' '
	test "$(tf "$NET" output -json vpc_id)" = "$(jq ".vpc_id.value" "$TEST_TMP/out.json")" &&
	test "$(rc tf "$NET" output -json no_such_output)" = 1
'

test_expect_success 'values are stable per directory and output: same on re-apply, different elsewhere' '
	tf "$NET" apply -input=false -auto-approve -no-color >/dev/null &&
	tf "$NET" output -json | cmp - "$TEST_TMP/out.json" &&
	test "$(wc -l <"$NET/apply.log")" = 2 &&
	d=$TEST_TMP/network-prod && stack "$d" network &&
	tf "$d" init >/dev/null && tf "$d" apply -auto-approve >/dev/null &&
	test "$(tf "$d" output -json vpc_id)" != "$(tf "$NET" output -json vpc_id)" &&
	test "$(jq -r .vpc_id.value "$TEST_TMP/out.json")" != "$(jq -r .vpc_cidr_block.value "$TEST_TMP/out.json")"
'

test_expect_success 'a sensitive output is marked in output -json and the state, and masked in apply'"'"'s log' '
	d=$TEST_TMP/authentication &&
	stack "$d" authentication "{\"project\":\"demo\",\"environment\":\"dev\",\"region\":\"eu-west-1\",\"domain_name\":\"demo.example.com\",\"mfa_configuration\":\"OFF\"}" &&
	grep -q "sensitive *= *true" "$d/outputs.tf" &&
	tf "$d" init >/dev/null &&
	tf "$d" apply -input=false -auto-approve -no-color >"$TEST_TMP/auth.out" &&
	tf "$d" output -json >"$TEST_TMP/auth.json" &&
	jq -e ".user_pool_client_secret.sensitive == true and (.user_pool_client_secret.value | type) == \"string\"" "$TEST_TMP/auth.json" &&
	jq -e "[to_entries[] | select(.value.sensitive) | .key] == [\"user_pool_client_secret\"]" "$TEST_TMP/auth.json" &&
	jq -e ".outputs.user_pool_client_secret.sensitive == true and (.outputs.user_pool_id | has(\"sensitive\") | not)" "$d/terraform.tfstate" &&
	grep -qx "user_pool_client_secret = <sensitive>" "$TEST_TMP/auth.out" &&
	! grep -qF "$(jq -r .user_pool_client_secret.value "$TEST_TMP/auth.json")" "$TEST_TMP/auth.out"
'

test_expect_success 'output types: by the value expression ({ }, [ ], [*]), else by the name (_ids, _urls, _port)' '
	d=$TEST_TMP/kinds && mkdir -p "$d" &&
	printf "resource \"aws_s3_bucket\" \"main\" {\n  bucket = \"b\"\n}\n" >"$d/main.tf" &&
	cat >"$d/outputs.tf" <<-EOF &&
	output "bucket_ids" {
	  value = aws_s3_bucket.main.id
	}
	output "bucket_urls" {
	  value = aws_s3_bucket.main.id
	}
	output "db_port" {
	  value = aws_s3_bucket.main.id
	}
	output "name" {
	  value = aws_s3_bucket.main.id
	}
	output "names_by_key" {
	  value = { for k, v in var.x : k => "\${v}:latest" }
	}
	output "many" {
	  value = [
	    aws_s3_bucket.main.id,
	  ]
	}
	output "zones" {
	  value     = aws_s3_bucket.main[*].region
	  sensitive = true
	}
	EOF
	tf "$d" init >/dev/null && tf "$d" apply -auto-approve >/dev/null &&
	tf "$d" output -json >"$TEST_TMP/kinds.json" &&
	jq -e ".bucket_ids.type[0] == \"tuple\" and .bucket_urls.type[0] == \"object\"" "$TEST_TMP/kinds.json" &&
	jq -e ".db_port.type == \"number\" and (.db_port.value | type) == \"number\"" "$TEST_TMP/kinds.json" &&
	jq -e ".name.type == \"string\" and .names_by_key.type[0] == \"object\" and .many.type[0] == \"tuple\"" "$TEST_TMP/kinds.json" &&
	jq -e ".zones.type[0] == \"tuple\" and .zones.sensitive and ([.[] | select(.sensitive)] | length) == 1" "$TEST_TMP/kinds.json" &&
	jq -e "(.bucket_urls.value | to_entries | map(.value | type) | unique) == [\"string\"]" "$TEST_TMP/kinds.json"
'

# ------------------------------------------------------------------ plan after apply, drift

test_expect_success 'a plan with the state and no drift: no changes, exit 0' '
	r=0 && tf "$NET" "${PLAN[@]}" >"$TEST_TMP/plan2.out" || r=$? &&
	test "$r" = 0 &&
	grep -q "^No changes. Your infrastructure matches the configuration." "$TEST_TMP/plan2.out" &&
	tail -n 1 "$NET/plan.log" | grep -q "^plan add=0 change=0 destroy=0 refresh_only=0 "
'

test_expect_success 'a refresh-only plan without drift: exit 0; with .drift: exit 2 until an apply' '
	test "$(rc tf "$NET" "${PLAN[@]}" -refresh-only)" = 0 &&
	touch "$NET/.drift" &&
	r=0 && tf "$NET" "${PLAN[@]}" -refresh-only >"$TEST_TMP/drift.out" || r=$? &&
	test "$r" = 2 &&
	grep -q "Objects have changed outside of Terraform" "$TEST_TMP/drift.out" &&
	tail -n 1 "$NET/plan.log" | grep -q "refresh_only=1 " &&
	test "$(rc tf "$NET" "${PLAN[@]}" -refresh-only)" = 2 &&
	tf "$NET" plan -input=false -no-color -out=drifted | grep -qx "Plan: 0 to add, 1 to change, 0 to destroy." &&
	tf "$NET" show -json drifted | jq -e "[.resource_changes[].change.actions[0]] | sort == ([range(length - 1) | \"no-op\"] + [\"update\"])" &&
	tf "$NET" apply -auto-approve >/dev/null &&
	test ! -e "$NET/.drift" &&
	test "$(rc tf "$NET" "${PLAN[@]}" -refresh-only)" = 0
'

test_expect_success 'a resource removed from main.tf is planned for destruction' '
	d=$TEST_TMP/shrunk && cp -r "$NET" "$d" &&
	last=$(grep -n "^resource " "$d/main.tf" | tail -n 1 | cut -d: -f1) &&
	head -n $((last - 1)) "$NET/main.tf" >"$d/main.tf" &&
	tf "$d" plan -input=false -no-color | grep -qx "Plan: 0 to add, 0 to change, 1 to destroy."
'

# ------------------------------------------------------------------ state

test_expect_success 'state list: one address per line, the resources of main.tf' '
	test "$(tf "$NET" state list)" = "$(resources "$NET")"
'

test_expect_success 'state pull prints terraform.tfstate (version 4, a serial that grows, one lineage)' '
	tf "$NET" state pull | cmp - "$NET/terraform.tfstate" &&
	jq -e ".version == 4 and .serial >= 3 and (.lineage | test(\"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$\"))" "$NET/terraform.tfstate" &&
	l=$(jq -r .lineage "$NET/terraform.tfstate") && s=$(jq .serial "$NET/terraform.tfstate") &&
	tf "$NET" apply -auto-approve >/dev/null &&
	jq -e ".lineage == \"$l\" and .serial == $((s + 1))" "$NET/terraform.tfstate"
'

test_expect_success 'show -json: values.root_module.resources with address, type, name, values; the outputs' '
	tf "$NET" show -json >"$TEST_TMP/show.json" &&
	jq -e ".format_version == \"1.0\"" "$TEST_TMP/show.json" &&
	test "$(jq -r ".values.root_module.resources[].address" "$TEST_TMP/show.json")" = "$(resources "$NET")" &&
	jq -e "all(.values.root_module.resources[]; .address == \"\(.type).\(.name)\" and .mode == \"managed\"
		and (.values.id | type) == \"string\" and .provider_name == \"registry.terraform.io/hashicorp/aws\")" "$TEST_TMP/show.json" &&
	jq -e "(.values.outputs | keys) == ($(jq -c "keys" "$TEST_TMP/out.json"))" "$TEST_TMP/show.json"
'

# ------------------------------------------------------------------ destroy

test_expect_success 'destroy empties resources and outputs; destroy.log' '
	n=$(resources "$NET" | wc -l) &&
	tf "$NET" destroy -input=false -auto-approve -no-color | grep -qx "Destroy complete! Resources: $n destroyed." &&
	test "$(tf "$NET" output -json)" = "{}" &&
	test -z "$(tf "$NET" state list)" &&
	test "$(tf "$NET" show -json)" = "{\"format_version\":\"1.0\"}" &&
	jq -e ".resources == [] and .outputs == {}" "$NET/terraform.tfstate" &&
	grep -q "^destroy count=$n " "$NET/destroy.log" &&
	r=0 && tf "$NET" "${PLAN[@]}" >/dev/null || r=$? && test "$r" = 2
'

test_expect_success 'a destroy with nothing to destroy succeeds (again, or never applied)' '
	tf "$NET" destroy -auto-approve | grep -qx "Destroy complete! Resources: 0 destroyed." &&
	test "$(wc -l <"$NET/destroy.log")" = 2 &&
	d=$TEST_TMP/never && stack "$d" network && tf "$d" init >/dev/null &&
	tf "$d" destroy -auto-approve >/dev/null &&
	test "$(rc tf "$d" state list)" = 0
'

test_expect_success 'state list without any state is an error; state pull prints nothing' '
	d=$TEST_TMP/nostate && stack "$d" network && tf "$d" init >/dev/null &&
	test "$(rc tf "$d" state list)" = 1 &&
	test -z "$(tf "$d" state pull)" &&
	test "$(tf "$d" output -json)" = "{}"
'

# ------------------------------------------------------------------ failures and hangs

test_expect_success '.fail-plan holding 1 fails the next plan only' '
	d=$TEST_TMP/failplan && stack "$d" network && tf "$d" init >/dev/null &&
	echo 1 >"$d/.fail-plan" &&
	! tf "$d" "${PLAN[@]}" 2>"$TEST_TMP/err" && grep -q "simulated plan failure" "$TEST_TMP/err" &&
	test ! -e "$d/plan.log" &&
	test "$(rc tf "$d" "${PLAN[@]}")" = 2
'

test_expect_success '.fail-apply on a stack: no state, then the next apply succeeds' '
	d=$TEST_TMP/failapply && stack "$d" network && tf "$d" init >/dev/null &&
	echo 1 >"$d/.fail-apply" &&
	test "$(rc tf "$d" apply -auto-approve)" = 1 && test ! -e "$d/terraform.tfstate" &&
	tf "$d" apply -auto-approve >/dev/null && test -s "$d/terraform.tfstate"
'

test_expect_success '.hang-plan holding S: the plan hangs S seconds, its sleep in .hang.pid, then goes on' '
	d=$TEST_TMP/hang && stack "$d" network && tf "$d" init >/dev/null &&
	echo 30 >"$d/.hang-plan" &&
	{ tf "$d" "${PLAN[@]}" >"$TEST_TMP/hang.out" 2>&1 & } && pid=$! &&
	for i in $(seq 100); do test -s "$d/.hang.pid" && break; sleep 0.1; done &&
	grep -q "Still planning... \[hanging for 30s\]" "$TEST_TMP/hang.out" &&
	test ! -e "$d/plan.log" &&
	kill "$(cat "$d/.hang.pid")" &&
	r=0 && wait "$pid" || r=$? &&
	test "$r" = 2 && test ! -e "$d/.hang.pid" && test -s "$d/plan.log" &&
	echo 0.2 >"$d/.hang-plan" && test "$(rc tf "$d" "${PLAN[@]}")" = 2
'

test_expect_success 'apply of a saved plan file that does not exist is an error' '
	test "$(rc tf "$NET" apply -input=false -auto-approve -no-color no-such-plan)" = 1
'

# ------------------------------------------------------------------ the provisioning module, as before

OLD=$TEST_TMP/aws
test_expect_success 'the provisioning module: instance_count instances, output -json of instance_ids/private_ips/public_ips' '
	mkdir -p "$OLD" && cp "$ROOT/terraform/aws/main.tf" "$OLD/" &&
	echo "{\"instance_count\": 3, \"instance_name_prefix\": \"web\"}" >"$OLD/terraform.tfvars.json" &&
	tf "$OLD" init -input=false -no-color >/dev/null &&
	tf "$OLD" apply -input=false -auto-approve -no-color >"$TEST_TMP/old.out" &&
	grep -qx "aws_instance.this\[2\]: Creating... (web-3)" "$TEST_TMP/old.out" &&
	grep -qx "Apply complete! Resources: 3 added, 0 changed, 0 destroyed." "$TEST_TMP/old.out" &&
	tf "$OLD" output -json >"$TEST_TMP/old.json" &&
	jq -e "keys == [\"instance_ids\", \"private_ips\", \"public_ips\"]" "$TEST_TMP/old.json" &&
	jq -e ".instance_ids.type == [\"tuple\", [\"string\", \"string\", \"string\"]] and .instance_ids.sensitive == false" "$TEST_TMP/old.json" &&
	jq -e "(.instance_ids.value | all(test(\"^i-[0-9a-f]{17}$\"))) and .private_ips.value == [\"10.0.0.4\", \"10.0.0.5\", \"10.0.0.6\"]" "$TEST_TMP/old.json" &&
	jq -e ".public_ips.value[0] == \"203.0.113.10\"" "$TEST_TMP/old.json" &&
	jq -e "has(\"outputs\") | not" "$OLD/terraform.tfstate" &&
	grep -q "^apply count=3 " "$OLD/apply.log" &&
	grep -qx PATH "$OLD/.env-names"
'

test_expect_success 'the provisioning module: state list and show -json see its instances; plan has no changes' '
	test "$(tf "$OLD" state list | tr "\n" " ")" = "aws_instance.this[0] aws_instance.this[1] aws_instance.this[2] " &&
	tf "$OLD" show -json | jq -e ".values.root_module.resources[1] | .address == \"aws_instance.this[1]\" and .index == 1" &&
	test "$(rc tf "$OLD" "${PLAN[@]}")" = 0
'

test_expect_success 'the provisioning module: .fail-apply counts down, .print-secret, .hang-apply, destroy' '
	echo 1 >"$OLD/.fail-apply" &&
	test "$(rc tf "$OLD" apply -auto-approve)" = 1 && test "$(cat "$OLD/.fail-apply")" = 0 &&
	touch "$OLD/.print-secret" && echo 0.1 >"$OLD/.hang-apply" &&
	AWS_SECRET_ACCESS_KEY=s3cr3t tf "$OLD" apply -auto-approve >"$TEST_TMP/old2.out" &&
	grep -q "the secret key is s3cr3t" "$TEST_TMP/old2.out" &&
	grep -q "Still creating... \[hanging for 0.1s\]" "$TEST_TMP/old2.out" &&
	test ! -e "$OLD/.hang.pid" &&
	tf "$OLD" destroy -input=false -auto-approve -no-color | grep -qx "Destroy complete! Resources: 3 destroyed." &&
	jq -e ". == {version: 4, terraform_version: \"1.6.6\", serial: 2, resources: []}" "$OLD/terraform.tfstate" &&
	tf "$OLD" output -json | jq -e ".instance_ids.value == []" &&
	echo 99 >"$OLD/.fail-init" && test "$(rc tf "$OLD" init)" = 1
'

test_done
