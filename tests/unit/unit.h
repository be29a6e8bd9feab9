/* unit.h: the unit-test suites (Check), one per module. */
#ifndef STRATUS_UNIT_H
#define STRATUS_UNIT_H

#include <check.h>

Suite *suite_arena(void);
Suite *suite_config(void);
Suite *suite_json(void);
Suite *suite_router(void);
Suite *suite_request(void);
Suite *suite_response(void);
Suite *suite_apikey(void);
Suite *suite_password(void);
Suite *suite_token(void);
Suite *suite_gen(void);
Suite *suite_engine(void);
Suite *suite_hcl(void);
Suite *suite_llm(void);
Suite *suite_netcheck(void);
Suite *suite_shmcount(void);
Suite *suite_text(void);
Suite *suite_fields(void);
Suite *suite_project(void);
Suite *suite_openapi(void);
Suite *suite_graph(void);

#endif
