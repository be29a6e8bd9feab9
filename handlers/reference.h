/* reference.h: the build state codes and the platforms, OS versions and image types. */
#ifndef STRATUS_H_REFERENCE_H
#define STRATUS_H_REFERENCE_H

struct req;

int h_states_list(struct req *rq);
int h_platforms_list(struct req *rq);
int h_platforms_create(struct req *rq);
int h_os_versions_list(struct req *rq);
int h_os_versions_create(struct req *rq);
int h_image_types_list(struct req *rq);
int h_image_types_create(struct req *rq);

#endif
