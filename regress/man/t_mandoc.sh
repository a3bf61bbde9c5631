#! /usr/bin/env atf-sh
# Lints every manual page with mandoc.  Warnings and errors fail the test.
# Style messages are left out because they depend on which other manual
# pages the machine has installed (cross references to libc pages).

atf_test_case lint
lint_head()
{
	atf_set "descr" "mandoc -Tlint reports no warning or error in man/"
	atf_set "require.progs" "mandoc"
}
lint_body()
{
	mandir=$(atf_get_srcdir)/../../man
	pages=$(cd "$mandir" && ls *.[0-9])
	[ -n "$pages" ] || atf_fail "no manual pages found in $mandir"
	for page in $pages; do
		# Cross references to the project's own pages resolve only
		# from inside man/.
		(cd "$mandir" && mandoc -Tlint -Wwarning "$page") > "lint.$page" 2>&1
		rc=$?
		if [ "$rc" -ne 0 ] || [ -s "lint.$page" ]; then
			cat "lint.$page"
			atf_fail "mandoc -Tlint -Wwarning $page: exit status $rc"
		fi
	done
}

atf_test_case sections
sections_head()
{
	atf_set "descr" "every page has NAME, SYNOPSIS, DESCRIPTION and SEE ALSO"
}
sections_body()
{
	mandir=$(atf_get_srcdir)/../../man
	for page in "$mandir"/*.[0-9]; do
		for section in NAME SYNOPSIS DESCRIPTION "SEE ALSO"; do
			grep -q "^\.Sh $section\$" "$page" ||
			    atf_fail "$(basename "$page") has no $section section"
		done
	done
}

atf_init_test_cases()
{
	atf_add_test_case lint
	atf_add_test_case sections
}
