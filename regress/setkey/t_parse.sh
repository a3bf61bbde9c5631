#! /usr/bin/env atf-sh
#
# Golden cases of "setkey -n -v": parse and check statements, print the
# messages they would send, contact no keyd.  Each parse/NN.in is one
# test case.

. "$(atf_get_srcdir)/setkey_test.subr"

SETKEY_DEFAULT_ARGS="-n -v"

atf_init_test_cases()
{
	local nn

	for nn in $(case_list parse); do
		atf_test_case "parse_$nn"
		eval "parse_$nn""_head() {
			atf_set descr \"\$(describe parse $nn)\"
		}
		parse_$nn""_body() {
			run_case parse $nn
		}"
		atf_add_test_case "parse_$nn"
	done
}
