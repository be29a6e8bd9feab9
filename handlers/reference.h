/* reference.h: the build state codes and the platforms, OS versions and image types. */
#ifndef STRATUS_H_REFERENCE_H
#define STRATUS_H_REFERENCE_H

struct body_spec;
struct req;

/* The bodies of POST /platforms, and of /os-versions and /image-types (no aliases). */
extern const struct body_spec platform_body;
extern const struct body_spec reference_body;

int h_states_list(struct req *rq);
int h_platforms_list(struct req *rq);
int h_platforms_create(struct req *rq);
int h_os_versions_list(struct req *rq);
int h_os_versions_create(struct req *rq);
int h_image_types_list(struct req *rq);
int h_image_types_create(struct req *rq);

#endif
