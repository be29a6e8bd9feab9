/* unit.c: runs every unit-test suite; the summary line is read by ./dev test. */
#include "config.h"

#include <stdlib.h>

#include <sodium.h>

#include "tests/unit/unit.h"

int main(void)
{
	SRunner *sr;
	int failed;

	if (sodium_init() < 0)
		return 1;
	sr = srunner_create(suite_arena());
	srunner_add_suite(sr, suite_config());
	srunner_add_suite(sr, suite_json());
	srunner_add_suite(sr, suite_router());
	srunner_add_suite(sr, suite_request());
	srunner_add_suite(sr, suite_response());
	srunner_add_suite(sr, suite_apikey());
	srunner_add_suite(sr, suite_password());
	srunner_add_suite(sr, suite_token());
	srunner_add_suite(sr, suite_gen());
	srunner_add_suite(sr, suite_engine());
	srunner_add_suite(sr, suite_hcl());
	srunner_add_suite(sr, suite_llm());
	srunner_add_suite(sr, suite_netcheck());
	srunner_add_suite(sr, suite_shmcount());
	srunner_add_suite(sr, suite_text());
	srunner_add_suite(sr, suite_fields());
	srunner_add_suite(sr, suite_project());
	srunner_add_suite(sr, suite_openapi());
	srunner_add_suite(sr, suite_graph());
	srunner_run_all(sr, CK_NORMAL);
	failed = srunner_ntests_failed(sr);
	srunner_free(sr);
	return failed == 0 ? EXIT_SUCCESS : EXIT_FAILURE;
}
