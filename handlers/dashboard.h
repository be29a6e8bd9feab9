/* dashboard.h: build dashboards: summary, recent builds, one platform. */
#ifndef STRATUS_H_DASHBOARD_H
#define STRATUS_H_DASHBOARD_H

struct req;

int h_dashboard_summary(struct req *rq);
int h_dashboard_recent(struct req *rq);
int h_dashboard_platform(struct req *rq);

#endif
