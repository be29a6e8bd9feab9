/* gen.c: the infrastructure generator: reads requirements, designs, prices and fits the budget. */
#include "config.h"

#include <stdarg.h>
#include <stddef.h>
#include <stdio.h>
#include <string.h>

#include "lib/arena.h"
#include "lib/gen_internal.h"

#define NELEM(x) (sizeof(x) / sizeof((x)[0]))

/* ================================================================ vocabulary */

/*
 * The words the reader understands, matched whole-word on a lower-cased
 * copy where punctuation separates words ("multi-AZ" is "multi az",
 * "pub/sub" is "pub sub", "don't" is "dont"). At each position the longest
 * phrase wins, so "elastic search" is search and not autoscaling, and the
 * F_NONE phrases only mask shorter ones. docs/GENERATOR.md lists them.
 */
struct kw {
	const char *p;
	unsigned char feat, arg, flags;
};

#define KW_NONEG 1 /* a phrase that stays positive after "no" ("no single point of failure") */
#define DB(e)    (unsigned char)(1 + (e))
#define NOSQL    200
#define RG(i)    (unsigned char)(i)

enum {
	R_EUROPE,
	R_GERMANY,
	R_UK,
	R_IRELAND,
	R_FRANCE,
	R_NETHERLANDS,
	R_NORDICS,
	R_US_EAST,
	R_VIRGINIA,
	R_US_WEST,
	R_CALIFORNIA,
	R_US,
	R_ASIA,
	R_SINGAPORE,
	R_JAPAN,
	R_INDIA,
	R_AUSTRALIA,
	R_CANADA,
	R_BRAZIL,
	R_KOREA,
	R_HONG_KONG,
	R_SOUTH_AFRICA,
	R_DEFAULT,
	R__MAX
};

const struct gen_region gen_regions[R__MAX] = {
	{ "Europe", 1, "eu-west-1", "westeurope", "europe-west1", "europe-west1-b" },
	{ "Germany", 2, "eu-central-1", "germanywestcentral", "europe-west3", "europe-west3-b" },
	{ "the United Kingdom", 2, "eu-west-2", "uksouth", "europe-west2", "europe-west2-b" },
	{ "Ireland", 2, "eu-west-1", "northeurope", "europe-west1", "europe-west1-b" },
	{ "France", 2, "eu-west-3", "francecentral", "europe-west9", "europe-west9-b" },
	{ "the Netherlands", 2, "eu-west-1", "westeurope", "europe-west4", "europe-west4-b" },
	{ "the Nordics", 2, "eu-north-1", "swedencentral", "europe-north1", "europe-north1-b" },
	{ "the US east coast", 2, "us-east-1", "eastus", "us-east1", "us-east1-b" },
	{ "Virginia", 3, "us-east-1", "eastus", "us-east4", "us-east4-b" },
	{ "the US west coast", 2, "us-west-2", "westus2", "us-west1", "us-west1-b" },
	{ "California", 3, "us-west-1", "westus", "us-west2", "us-west2-b" },
	{ "the United States", 1, "us-east-1", "eastus", "us-central1", "us-central1-b" },
	{ "Asia", 1, "ap-southeast-1", "southeastasia", "asia-southeast1", "asia-southeast1-b" },
	{ "Singapore", 3, "ap-southeast-1", "southeastasia", "asia-southeast1",
	  "asia-southeast1-b" },
	{ "Japan", 2, "ap-northeast-1", "japaneast", "asia-northeast1", "asia-northeast1-b" },
	{ "India", 2, "ap-south-1", "centralindia", "asia-south1", "asia-south1-b" },
	{ "Australia", 2, "ap-southeast-2", "australiaeast", "australia-southeast1",
	  "australia-southeast1-b" },
	{ "Canada", 2, "ca-central-1", "canadacentral", "northamerica-northeast1",
	  "northamerica-northeast1-b" },
	{ "Brazil", 2, "sa-east-1", "brazilsouth", "southamerica-east1", "southamerica-east1-b" },
	{ "South Korea", 2, "ap-northeast-2", "koreacentral", "asia-northeast3",
	  "asia-northeast3-b" },
	{ "Hong Kong", 3, "ap-east-1", "eastasia", "asia-east2", "asia-east2-b" },
	{ "South Africa", 2, "af-south-1", "southafricanorth", "africa-south1", "africa-south1-b" },
	{ "no region named", 0, "us-east-1", "eastus", "us-central1", "us-central1-b" },
};
const size_t gen_nregions = R__MAX;

static const struct kw kws[] = {
	/* masks */
	{ "search engine optimization", F_NONE, 0, 0 },
	{ "search engine optimisation", F_NONE, 0, 0 },
	{ "search engines", F_NONE, 0, 0 },
	{ "seo", F_NONE, 0, 0 },
	{ "the rest", F_NONE, 0, 0 },
	{ "rest of", F_NONE, 0, 0 },
	{ "log in", F_NONE, 0, 0 },
	{ "logs in", F_NONE, 0, 0 },
	{ "static ip", F_NONE, 0, 0 },
	{ "elastic ip", F_NONE, 0, 0 },
	{ "sql injection", F_NONE, 0, 0 },
	{ "api key", F_NONE, 0, 0 },
	{ "api keys", F_NONE, 0, 0 },
	{ "browser cache", F_NONE, 0, 0 },
	{ "browser caching", F_NONE, 0, 0 },
	{ "block storage", F_NONE, 0, 0 },
	{ "disk storage", F_NONE, 0, 0 },
	{ "image processing", F_WORKER, 0, 0 },
	{ "video processing", F_WORKER, 0, 0 },
	/* web tier */
	{ "web app", F_WEB, 0, 0 },
	{ "web apps", F_WEB, 0, 0 },
	{ "web application", F_WEB, 0, 0 },
	{ "web applications", F_WEB, 0, 0 },
	{ "webapp", F_WEB, 0, 0 },
	{ "webapps", F_WEB, 0, 0 },
	{ "web server", F_WEB, 0, 0 },
	{ "web servers", F_WEB, 0, 0 },
	{ "app server", F_WEB, 0, 0 },
	{ "app servers", F_WEB, 0, 0 },
	{ "application server", F_WEB, 0, 0 },
	{ "application servers", F_WEB, 0, 0 },
	{ "backend", F_WEB, 0, 0 },
	{ "backends", F_WEB, 0, 0 },
	{ "back end", F_WEB, 0, 0 },
	{ "saas", F_WEB, 0, 0 },
	{ "ecommerce", F_WEB, 0, 0 },
	{ "e commerce", F_WEB, 0, 0 },
	{ "online store", F_WEB, 0, 0 },
	{ "online shop", F_WEB, 0, 0 },
	{ "webshop", F_WEB, 0, 0 },
	{ "web shop", F_WEB, 0, 0 },
	{ "shop", F_WEB, 0, 0 },
	{ "marketplace", F_WEB, 0, 0 },
	{ "cms", F_WEB, 0, 0 },
	{ "wordpress", F_WEB, 0, 0 },
	{ "drupal", F_WEB, 0, 0 },
	{ "magento", F_WEB, 0, 0 },
	{ "django", F_WEB, 0, 0 },
	{ "rails", F_WEB, 0, 0 },
	{ "ruby on rails", F_WEB, 0, 0 },
	{ "laravel", F_WEB, 0, 0 },
	{ "php", F_WEB, 0, 0 },
	{ "express", F_WEB, 0, 0 },
	{ "spring boot", F_WEB, 0, 0 },
	{ "flask", F_WEB, 0, 0 },
	{ "fastapi", F_WEB, 0, 0 },
	{ "nextjs", F_WEB, 0, 0 },
	{ "next js", F_WEB, 0, 0 },
	{ "asp net", F_WEB, 0, 0 },
	{ "server side", F_WEB, 0, 0 },
	{ "server rendered", F_WEB, 0, 0 },
	{ "dynamic", F_WEB, 0, 0 },
	{ "forum", F_WEB, 0, 0 },
	{ "crm", F_WEB, 0, 0 },
	{ "erp", F_WEB, 0, 0 },
	{ "intranet", F_WEB, 0, 0 },
	{ "wiki", F_WEB, 0, 0 },
	{ "admin panel", F_WEB, 0, 0 },
	{ "user accounts", F_WEB, 0, 0 },
	{ "login", F_WEB, 0, 0 },
	{ "elastic beanstalk", F_WEB, 0, 0 },
	{ "lms", F_WEB, 0, 0 },
	{ "learning management", F_WEB, 0, 0 },
	{ "dashboard", F_WEAKWEB, 0, 0 },
	{ "dashboards", F_WEAKWEB, 0, 0 },
	{ "platform", F_WEAKWEB, 0, 0 },
	{ "portal", F_WEB, 0, 0 },
	{ "web", F_WEAKWEB, 0, 0 },
	{ "website", F_WEAKWEB, 0, 0 },
	{ "websites", F_WEAKWEB, 0, 0 },
	{ "web site", F_WEAKWEB, 0, 0 },
	{ "site", F_WEAKWEB, 0, 0 },
	{ "sites", F_WEAKWEB, 0, 0 },
	{ "app", F_WEAKWEB, 0, 0 },
	{ "apps", F_WEAKWEB, 0, 0 },
	{ "application", F_WEAKWEB, 0, 0 },
	{ "applications", F_WEAKWEB, 0, 0 },
	{ "frontend", F_WEAKWEB, 0, 0 },
	{ "front end", F_WEAKWEB, 0, 0 },
	{ "blog", F_WEAKWEB, 0, 0 },
	{ "blogs", F_WEAKWEB, 0, 0 },
	{ "homepage", F_WEAKWEB, 0, 0 },
	{ "vm", F_VM, 0, 0 },
	{ "vms", F_VM, 0, 0 },
	{ "virtual machine", F_VM, 0, 0 },
	{ "virtual machines", F_VM, 0, 0 },
	{ "ec2", F_VM, 0, 0 },
	{ "compute engine", F_VM, 0, 0 },
	{ "server", F_VM, 0, 0 },
	{ "servers", F_VM, 0, 0 },
	/* API */
	{ "api", F_API, 0, 0 },
	{ "apis", F_API, 0, 0 },
	{ "rest", F_API, 0, 0 },
	{ "restful", F_API, 0, 0 },
	{ "graphql", F_API, 0, 0 },
	{ "grpc", F_API, 0, 0 },
	{ "endpoint", F_API, 0, 0 },
	{ "endpoints", F_API, 0, 0 },
	{ "webhook", F_API, 0, 0 },
	{ "webhooks", F_API, 0, 0 },
	{ "web service", F_API, 0, 0 },
	{ "web services", F_API, 0, 0 },
	{ "mobile app", F_API, 0, 0 },
	{ "mobile apps", F_API, 0, 0 },
	{ "mobile backend", F_API, 0, 0 },
	{ "react native", F_API, 0, 0 },
	{ "api gateway", F_API, 0, 0 },
	{ "contact form", F_API, 0, 0 },
	{ "contact forms", F_API, 0, 0 },
	{ "web form", F_API, 0, 0 },
	{ "web forms", F_API, 0, 0 },
	{ "signup form", F_API, 0, 0 },
	/* static site */
	{ "static", F_STATIC, 0, 0 },
	{ "html and css", F_STATIC, 0, 0 },
	{ "plain html", F_STATIC, 0, 0 },
	{ "static site", F_STATIC, 0, 0 },
	{ "static sites", F_STATIC, 0, 0 },
	{ "static website", F_STATIC, 0, 0 },
	{ "static websites", F_STATIC, 0, 0 },
	{ "static web site", F_STATIC, 0, 0 },
	{ "static page", F_STATIC, 0, 0 },
	{ "static pages", F_STATIC, 0, 0 },
	{ "static html", F_STATIC, 0, 0 },
	{ "static hosting", F_STATIC, 0, 0 },
	{ "static content", F_STATIC, 0, 0 },
	{ "static blog", F_STATIC, 0, 0 },
	{ "jamstack", F_STATIC, 0, 0 },
	{ "landing page", F_STATIC, 0, 0 },
	{ "landing pages", F_STATIC, 0, 0 },
	{ "hugo", F_STATIC, 0, 0 },
	{ "jekyll", F_STATIC, 0, 0 },
	{ "gatsby", F_STATIC, 0, 0 },
	{ "eleventy", F_STATIC, 0, 0 },
	{ "single page app", F_STATIC, 0, 0 },
	{ "single page application", F_STATIC, 0, 0 },
	{ "spa", F_STATIC, 0, 0 },
	{ "react", F_STATIC, 0, 0 },
	{ "vue", F_STATIC, 0, 0 },
	{ "angular", F_STATIC, 0, 0 },
	{ "svelte", F_STATIC, 0, 0 },
	{ "documentation site", F_STATIC, 0, 0 },
	{ "docs site", F_STATIC, 0, 0 },
	{ "brochure site", F_STATIC, 0, 0 },
	{ "portfolio", F_STATIC, 0, 0 },
	{ "portfolio site", F_STATIC, 0, 0 },
	/* background work */
	{ "worker", F_WORKER, 0, 0 },
	{ "workers", F_WORKER, 0, 0 },
	{ "background processing", F_WORKER, 0, 0 },
	{ "batch", F_WORKER, 0, 0 },
	{ "batch jobs", F_WORKER, 0, 0 },
	{ "batch processing", F_WORKER, 0, 0 },
	{ "etl", F_WORKER, 0, 0 },
	{ "pipeline", F_WORKER, 0, 0 },
	{ "pipelines", F_WORKER, 0, 0 },
	{ "data pipeline", F_WORKER, 0, 0 },
	{ "data processing", F_WORKER, 0, 0 },
	{ "processing", F_WORKER, 0, 0 },
	{ "cron", F_WORKER, 0, 0 },
	{ "cron jobs", F_WORKER, 0, 0 },
	{ "scheduled jobs", F_WORKER, 0, 0 },
	{ "scheduled tasks", F_WORKER, 0, 0 },
	{ "ingestion", F_WORKER, 0, 0 },
	{ "transcoding", F_WORKER, 0, 0 },
	/* database */
	{ "database", F_DB, 0, 0 },
	{ "databases", F_DB, 0, 0 },
	{ "database storage", F_DB, 0, 0 },
	{ "db", F_DB, 0, 0 },
	{ "dbs", F_DB, 0, 0 },
	{ "rdbms", F_DB, 0, 0 },
	{ "relational", F_DB, 0, 0 },
	{ "sql", F_DB, 0, 0 },
	{ "rds", F_DB, 0, 0 },
	{ "cloud sql", F_DB, 0, 0 },
	{ "aurora", F_DB, 0, 0 },
	{ "data store", F_DB, 0, 0 },
	{ "postgres", F_DB, DB(GEN_DB_POSTGRES), 0 },
	{ "postgresql", F_DB, DB(GEN_DB_POSTGRES), 0 },
	{ "postgre", F_DB, DB(GEN_DB_POSTGRES), 0 },
	{ "postgis", F_DB, DB(GEN_DB_POSTGRES), 0 },
	{ "psql", F_DB, DB(GEN_DB_POSTGRES), 0 },
	{ "mysql", F_DB, DB(GEN_DB_MYSQL), 0 },
	{ "mariadb", F_DB, DB(GEN_DB_MARIADB), 0 },
	{ "maria db", F_DB, DB(GEN_DB_MARIADB), 0 },
	{ "sql server", F_DB, DB(GEN_DB_MSSQL), 0 },
	{ "mssql", F_DB, DB(GEN_DB_MSSQL), 0 },
	{ "ms sql", F_DB, DB(GEN_DB_MSSQL), 0 },
	{ "microsoft sql", F_DB, DB(GEN_DB_MSSQL), 0 },
	{ "microsoft sql server", F_DB, DB(GEN_DB_MSSQL), 0 },
	{ "azure sql", F_DB, DB(GEN_DB_MSSQL), 0 },
	{ "tsql", F_DB, DB(GEN_DB_MSSQL), 0 },
	{ "t sql", F_DB, DB(GEN_DB_MSSQL), 0 },
	{ "nosql", F_DB, NOSQL, 0 },
	{ "mongodb", F_DB, NOSQL, 0 },
	{ "mongo", F_DB, NOSQL, 0 },
	{ "dynamodb", F_DB, NOSQL, 0 },
	{ "cosmos db", F_DB, NOSQL, 0 },
	{ "cosmosdb", F_DB, NOSQL, 0 },
	{ "firestore", F_DB, NOSQL, 0 },
	{ "cassandra", F_DB, NOSQL, 0 },
	/* cache */
	{ "cache", F_CACHE, 0, 0 },
	{ "caches", F_CACHE, 0, 0 },
	{ "caching", F_CACHE, 0, 0 },
	{ "cached", F_CACHE, 0, 0 },
	{ "in memory cache", F_CACHE, 0, 0 },
	{ "in memory store", F_CACHE, 0, 0 },
	{ "session store", F_CACHE, 0, 0 },
	{ "elasticache", F_CACHE, 0, 0 },
	{ "memorystore", F_CACHE, 0, 0 },
	{ "redis", F_CACHE, 1 + GEN_CACHE_REDIS, 0 },
	{ "valkey", F_CACHE, 1 + GEN_CACHE_REDIS, 0 },
	{ "memcached", F_CACHE, 1 + GEN_CACHE_MEMCACHED, 0 },
	{ "memcache", F_CACHE, 1 + GEN_CACHE_MEMCACHED, 0 },
	/* object storage */
	{ "storage", F_STORAGE, 0, 0 },
	{ "object storage", F_STORAGE, 0, 0 },
	{ "blob storage", F_STORAGE, 0, 0 },
	{ "file storage", F_STORAGE, 0, 0 },
	{ "cloud storage", F_STORAGE, 0, 0 },
	{ "storage account", F_STORAGE, 0, 0 },
	{ "blob", F_STORAGE, 0, 0 },
	{ "blobs", F_STORAGE, 0, 0 },
	{ "bucket", F_STORAGE, 0, 0 },
	{ "buckets", F_STORAGE, 0, 0 },
	{ "s3", F_STORAGE, 0, 0 },
	{ "gcs", F_STORAGE, 0, 0 },
	{ "files", F_STORAGE, 0, 0 },
	{ "file uploads", F_STORAGE, 0, 0 },
	{ "uploads", F_STORAGE, 0, 0 },
	{ "upload", F_STORAGE, 0, 0 },
	{ "uploaded", F_STORAGE, 0, 0 },
	{ "images", F_STORAGE, 0, 0 },
	{ "photos", F_STORAGE, 0, 0 },
	{ "pictures", F_STORAGE, 0, 0 },
	{ "videos", F_STORAGE, 0, 0 },
	{ "media", F_STORAGE, 0, 0 },
	{ "assets", F_STORAGE, 0, 0 },
	{ "static assets", F_STORAGE, 0, 0 },
	{ "static files", F_STORAGE, 0, 0 },
	{ "attachments", F_STORAGE, 0, 0 },
	{ "documents", F_STORAGE, 0, 0 },
	{ "pdfs", F_STORAGE, 0, 0 },
	{ "avatars", F_STORAGE, 0, 0 },
	{ "user content", F_STORAGE, 0, 0 },
	{ "data lake", F_STORAGE, 0, 0 },
	{ "archive", F_STORAGE, 0, 0 },
	/* CDN */
	{ "cdn", F_CDN, 0, 0 },
	{ "content delivery", F_CDN, 0, 0 },
	{ "content delivery network", F_CDN, 0, 0 },
	{ "cloudfront", F_CDN, 0, 0 },
	{ "cloud cdn", F_CDN, 0, 0 },
	{ "azure cdn", F_CDN, 0, 0 },
	{ "front door", F_CDN, 0, 0 },
	{ "edge caching", F_CDN, 0, 0 },
	{ "edge cache", F_CDN, 0, 0 },
	{ "edge network", F_CDN, 0, 0 },
	{ "cloudflare", F_CDN, 0, 0 },
	/* load balancer */
	{ "load balancer", F_LB, 0, 0 },
	{ "load balancers", F_LB, 0, 0 },
	{ "load balancing", F_LB, 0, 0 },
	{ "load balanced", F_LB, 0, 0 },
	{ "loadbalancer", F_LB, 0, 0 },
	{ "application load balancer", F_LB, 0, 0 },
	{ "application gateway", F_LB, 0, 0 },
	{ "alb", F_LB, 0, 0 },
	{ "elb", F_LB, 0, 0 },
	{ "nlb", F_LB, 0, 0 },
	{ "reverse proxy", F_LB, 0, 0 },
	/* queue */
	{ "queue", F_QUEUE, 0, 0 },
	{ "queues", F_QUEUE, 0, 0 },
	{ "queued", F_QUEUE, 0, 0 },
	{ "queuing", F_QUEUE, 0, 0 },
	{ "queueing", F_QUEUE, 0, 0 },
	{ "message queue", F_QUEUE, 0, 0 },
	{ "messaging", F_QUEUE, 0, 0 },
	{ "message broker", F_QUEUE, 0, 0 },
	{ "sqs", F_QUEUE, 0, 0 },
	{ "sns", F_QUEUE, 0, 0 },
	{ "pub sub", F_QUEUE, 0, 0 },
	{ "pubsub", F_QUEUE, 0, 0 },
	{ "kafka", F_QUEUE, 0, 0 },
	{ "rabbitmq", F_QUEUE, 0, 0 },
	{ "service bus", F_QUEUE, 0, 0 },
	{ "event bus", F_QUEUE, 0, 0 },
	{ "event driven", F_QUEUE, 0, 0 },
	{ "event streaming", F_QUEUE, 0, 0 },
	{ "kinesis", F_QUEUE, 0, 0 },
	{ "eventbridge", F_QUEUE, 0, 0 },
	{ "async", F_QUEUE, 0, 0 },
	{ "asynchronous", F_QUEUE, 0, 0 },
	{ "background jobs", F_QUEUE, 0, 0 },
	{ "background job", F_QUEUE, 0, 0 },
	{ "background tasks", F_QUEUE, 0, 0 },
	{ "task queue", F_QUEUE, 0, 0 },
	{ "job queue", F_QUEUE, 0, 0 },
	{ "celery", F_QUEUE, 0, 0 },
	{ "sidekiq", F_QUEUE, 0, 0 },
	/* containers */
	{ "kubernetes", F_K8S, 0, 0 },
	{ "k8s", F_K8S, 0, 0 },
	{ "eks", F_K8S, 0, 0 },
	{ "aks", F_K8S, 0, 0 },
	{ "gke", F_K8S, 0, 0 },
	{ "microservices", F_K8S, 0, 0 },
	{ "microservice", F_K8S, 0, 0 },
	{ "micro services", F_K8S, 0, 0 },
	{ "helm", F_K8S, 0, 0 },
	{ "service mesh", F_K8S, 0, 0 },
	{ "istio", F_K8S, 0, 0 },
	{ "container orchestration", F_K8S, 0, 0 },
	{ "docker", F_CONTAINERS, 0, 0 },
	{ "dockerized", F_CONTAINERS, 0, 0 },
	{ "dockerised", F_CONTAINERS, 0, 0 },
	{ "docker images", F_CONTAINERS, 0, 0 },
	{ "container", F_CONTAINERS, 0, 0 },
	{ "containers", F_CONTAINERS, 0, 0 },
	{ "container images", F_CONTAINERS, 0, 0 },
	{ "containerized", F_CONTAINERS, 0, 0 },
	{ "containerised", F_CONTAINERS, 0, 0 },
	{ "ecs", F_CONTAINERS, 0, 0 },
	{ "fargate", F_CONTAINERS, 0, 0 },
	/* serverless */
	{ "serverless", F_FUNC, 0, 0 },
	{ "lambda", F_FUNC, 0, 0 },
	{ "lambdas", F_FUNC, 0, 0 },
	{ "functions", F_FUNC, 0, 0 },
	{ "cloud functions", F_FUNC, 0, 0 },
	{ "azure functions", F_FUNC, 0, 0 },
	{ "function app", F_FUNC, 0, 0 },
	{ "faas", F_FUNC, 0, 0 },
	{ "cloud run", F_FUNC, 0, 0 },
	/* search */
	{ "search", F_SEARCH, 0, 0 },
	{ "searching", F_SEARCH, 0, 0 },
	{ "searchable", F_SEARCH, 0, 0 },
	{ "full text", F_SEARCH, 0, 0 },
	{ "fulltext", F_SEARCH, 0, 0 },
	{ "elasticsearch", F_SEARCH, 0, 0 },
	{ "elastic search", F_SEARCH, 0, 0 },
	{ "opensearch", F_SEARCH, 0, 0 },
	{ "open search", F_SEARCH, 0, 0 },
	{ "solr", F_SEARCH, 0, 0 },
	{ "search engine", F_SEARCH, 0, 0 },
	{ "search index", F_SEARCH, 0, 0 },
	/* monitoring */
	{ "monitoring", F_MONITOR, 0, 0 },
	{ "monitor", F_MONITOR, 0, 0 },
	{ "monitored", F_MONITOR, 0, 0 },
	{ "observability", F_MONITOR, 0, 0 },
	{ "logging", F_MONITOR, 0, 0 },
	{ "logs", F_MONITOR, 0, 0 },
	{ "log aggregation", F_MONITOR, 0, 0 },
	{ "alerting", F_MONITOR, 0, 0 },
	{ "alerts", F_MONITOR, 0, 0 },
	{ "alarms", F_MONITOR, 0, 0 },
	{ "metrics", F_MONITOR, 0, 0 },
	{ "cloudwatch", F_MONITOR, 0, 0 },
	{ "stackdriver", F_MONITOR, 0, 0 },
	{ "application insights", F_MONITOR, 0, 0 },
	{ "log analytics", F_MONITOR, 0, 0 },
	{ "prometheus", F_MONITOR, 0, 0 },
	{ "grafana", F_MONITOR, 0, 0 },
	{ "tracing", F_MONITOR, 0, 0 },
	{ "apm", F_MONITOR, 0, 0 },
	/* backups */
	{ "backup", F_BACKUP, 0, 0 },
	{ "backups", F_BACKUP, 0, 0 },
	{ "backed up", F_BACKUP, 0, 0 },
	{ "back up", F_BACKUP, 0, 0 },
	{ "snapshot", F_BACKUP, 0, 0 },
	{ "snapshots", F_BACKUP, 0, 0 },
	{ "disaster recovery", F_BACKUP, 0, 0 },
	{ "point in time recovery", F_BACKUP, 0, 0 },
	{ "pitr", F_BACKUP, 0, 0 },
	{ "restore", F_BACKUP, 0, 0 },
	/* availability */
	{ "high availability", F_HA, 0, 0 },
	{ "highly available", F_HA, 0, 0 },
	{ "ha", F_HA, 0, 0 },
	{ "multi az", F_HA, 0, 0 },
	{ "multiaz", F_HA, 0, 0 },
	{ "multi zone", F_HA, 0, 0 },
	{ "multi zonal", F_HA, 0, 0 },
	{ "multiple availability zones", F_HA, 0, 0 },
	{ "multiple zones", F_HA, 0, 0 },
	{ "availability zones", F_HA, 0, 0 },
	{ "zone redundant", F_HA, 0, 0 },
	{ "redundant", F_HA, 0, 0 },
	{ "redundancy", F_HA, 0, 0 },
	{ "failover", F_HA, 0, 0 },
	{ "fail over", F_HA, 0, 0 },
	{ "fault tolerant", F_HA, 0, 0 },
	{ "fault tolerance", F_HA, 0, 0 },
	{ "single point of failure", F_HA, 0, KW_NONEG },
	{ "single points of failure", F_HA, 0, KW_NONEG },
	{ "zero downtime", F_HA, 0, 0 },
	{ "no downtime", F_HA, 0, KW_NONEG },
	{ "minimal downtime", F_HA, 0, 0 },
	{ "resilient", F_HA, 0, 0 },
	{ "mission critical", F_HA, 0, 0 },
	{ "business critical", F_HA, 0, 0 },
	{ "99.9", F_HA, 0, 0 },
	{ "99.95", F_HA, 0, 0 },
	{ "99.99", F_HA, 0, 0 },
	{ "99.999", F_HA, 0, 0 },
	{ "standby", F_HA, 0, 0 },
	{ "replicas", F_HA, 0, 0 },
	{ "replication", F_HA, 0, 0 },
	/* scaling */
	{ "autoscaling", F_AUTOSCALE, 0, 0 },
	{ "autoscale", F_AUTOSCALE, 0, 0 },
	{ "autoscales", F_AUTOSCALE, 0, 0 },
	{ "auto scaling", F_AUTOSCALE, 0, 0 },
	{ "auto scale", F_AUTOSCALE, 0, 0 },
	{ "auto scales", F_AUTOSCALE, 0, 0 },
	{ "scalable", F_AUTOSCALE, 0, 0 },
	{ "scale", F_AUTOSCALE, 0, 0 },
	{ "scales", F_AUTOSCALE, 0, 0 },
	{ "scaling", F_AUTOSCALE, 0, 0 },
	{ "at scale", F_AUTOSCALE, 0, 0 },
	{ "elastic", F_AUTOSCALE, 0, 0 },
	{ "elasticity", F_AUTOSCALE, 0, 0 },
	{ "spikes", F_AUTOSCALE, 0, 0 },
	{ "spike", F_AUTOSCALE, 0, 0 },
	{ "spiky", F_AUTOSCALE, 0, 0 },
	{ "bursty", F_AUTOSCALE, 0, 0 },
	{ "bursts", F_AUTOSCALE, 0, 0 },
	{ "seasonal", F_AUTOSCALE, 0, 0 },
	{ "black friday", F_AUTOSCALE, 0, 0 },
	{ "viral", F_AUTOSCALE, 0, 0 },
	/* size */
	{ "small", F_SMALL, 0, 0 },
	{ "small scale", F_SMALL, 0, 0 },
	{ "tiny", F_SMALL, 0, 0 },
	{ "hobby", F_SMALL, 0, 0 },
	{ "personal", F_SMALL, 0, 0 },
	{ "prototype", F_SMALL, 0, 0 },
	{ "mvp", F_SMALL, 0, 0 },
	{ "proof of concept", F_SMALL, 0, 0 },
	{ "poc", F_SMALL, 0, 0 },
	{ "demo", F_SMALL, 0, 0 },
	{ "side project", F_SMALL, 0, 0 },
	{ "low traffic", F_SMALL, 0, 0 },
	{ "internal tool", F_SMALL, 0, 0 },
	{ "large", F_LARGE, 0, 0 },
	{ "large scale", F_LARGE, 0, 0 },
	{ "enterprise", F_LARGE, 0, 0 },
	{ "high traffic", F_LARGE, 0, 0 },
	{ "heavy traffic", F_LARGE, 0, 0 },
	{ "heavy load", F_LARGE, 0, 0 },
	{ "high load", F_LARGE, 0, 0 },
	{ "high volume", F_LARGE, 0, 0 },
	{ "massive", F_LARGE, 0, 0 },
	{ "huge", F_LARGE, 0, 0 },
	/* runtimes (for functions) */
	{ "python", F_RUNTIME, GEN_RT_PYTHON, 0 },
	{ "node", F_RUNTIME, GEN_RT_NODE, 0 },
	{ "nodejs", F_RUNTIME, GEN_RT_NODE, 0 },
	{ "node js", F_RUNTIME, GEN_RT_NODE, 0 },
	{ "javascript", F_RUNTIME, GEN_RT_NODE, 0 },
	{ "typescript", F_RUNTIME, GEN_RT_NODE, 0 },
	{ "java", F_RUNTIME, GEN_RT_JAVA, 0 },
	{ "kotlin", F_RUNTIME, GEN_RT_JAVA, 0 },
	{ "golang", F_RUNTIME, GEN_RT_GO, 0 },
	{ "dotnet", F_RUNTIME, GEN_RT_DOTNET, 0 },
	{ "net core", F_RUNTIME, GEN_RT_DOTNET, 0 },
	{ "csharp", F_RUNTIME, GEN_RT_DOTNET, 0 },
	{ "c sharp", F_RUNTIME, GEN_RT_DOTNET, 0 },
	/* regions */
	{ "eu", F_REGION, RG(R_EUROPE), 0 },
	{ "europe", F_REGION, RG(R_EUROPE), 0 },
	{ "european", F_REGION, RG(R_EUROPE), 0 },
	{ "european union", F_REGION, RG(R_EUROPE), 0 },
	{ "gdpr", F_REGION, RG(R_EUROPE), 0 },
	{ "germany", F_REGION, RG(R_GERMANY), 0 },
	{ "german", F_REGION, RG(R_GERMANY), 0 },
	{ "frankfurt", F_REGION, RG(R_GERMANY), 0 },
	{ "berlin", F_REGION, RG(R_GERMANY), 0 },
	{ "munich", F_REGION, RG(R_GERMANY), 0 },
	{ "uk", F_REGION, RG(R_UK), 0 },
	{ "united kingdom", F_REGION, RG(R_UK), 0 },
	{ "britain", F_REGION, RG(R_UK), 0 },
	{ "great britain", F_REGION, RG(R_UK), 0 },
	{ "british", F_REGION, RG(R_UK), 0 },
	{ "england", F_REGION, RG(R_UK), 0 },
	{ "london", F_REGION, RG(R_UK), 0 },
	{ "ireland", F_REGION, RG(R_IRELAND), 0 },
	{ "irish", F_REGION, RG(R_IRELAND), 0 },
	{ "dublin", F_REGION, RG(R_IRELAND), 0 },
	{ "france", F_REGION, RG(R_FRANCE), 0 },
	{ "french", F_REGION, RG(R_FRANCE), 0 },
	{ "paris", F_REGION, RG(R_FRANCE), 0 },
	{ "netherlands", F_REGION, RG(R_NETHERLANDS), 0 },
	{ "dutch", F_REGION, RG(R_NETHERLANDS), 0 },
	{ "amsterdam", F_REGION, RG(R_NETHERLANDS), 0 },
	{ "sweden", F_REGION, RG(R_NORDICS), 0 },
	{ "stockholm", F_REGION, RG(R_NORDICS), 0 },
	{ "nordic", F_REGION, RG(R_NORDICS), 0 },
	{ "nordics", F_REGION, RG(R_NORDICS), 0 },
	{ "scandinavia", F_REGION, RG(R_NORDICS), 0 },
	{ "us east", F_REGION, RG(R_US_EAST), 0 },
	{ "east us", F_REGION, RG(R_US_EAST), 0 },
	{ "east coast", F_REGION, RG(R_US_EAST), 0 },
	{ "new york", F_REGION, RG(R_US_EAST), 0 },
	{ "virginia", F_REGION, RG(R_VIRGINIA), 0 },
	{ "us west", F_REGION, RG(R_US_WEST), 0 },
	{ "west us", F_REGION, RG(R_US_WEST), 0 },
	{ "west coast", F_REGION, RG(R_US_WEST), 0 },
	{ "oregon", F_REGION, RG(R_US_WEST), 0 },
	{ "seattle", F_REGION, RG(R_US_WEST), 0 },
	{ "california", F_REGION, RG(R_CALIFORNIA), 0 },
	{ "san francisco", F_REGION, RG(R_CALIFORNIA), 0 },
	{ "silicon valley", F_REGION, RG(R_CALIFORNIA), 0 },
	{ "los angeles", F_REGION, RG(R_CALIFORNIA), 0 },
	{ "united states", F_REGION, RG(R_US), 0 },
	{ "usa", F_REGION, RG(R_US), 0 },
	{ "america", F_REGION, RG(R_US), 0 },
	{ "american", F_REGION, RG(R_US), 0 },
	{ "north america", F_REGION, RG(R_US), 0 },
	{ "north american", F_REGION, RG(R_US), 0 },
	{ "asia", F_REGION, RG(R_ASIA), 0 },
	{ "asian", F_REGION, RG(R_ASIA), 0 },
	{ "apac", F_REGION, RG(R_ASIA), 0 },
	{ "asia pacific", F_REGION, RG(R_ASIA), 0 },
	{ "southeast asia", F_REGION, RG(R_ASIA), 0 },
	{ "singapore", F_REGION, RG(R_SINGAPORE), 0 },
	{ "japan", F_REGION, RG(R_JAPAN), 0 },
	{ "japanese", F_REGION, RG(R_JAPAN), 0 },
	{ "tokyo", F_REGION, RG(R_JAPAN), 0 },
	{ "osaka", F_REGION, RG(R_JAPAN), 0 },
	{ "india", F_REGION, RG(R_INDIA), 0 },
	{ "indian", F_REGION, RG(R_INDIA), 0 },
	{ "mumbai", F_REGION, RG(R_INDIA), 0 },
	{ "bangalore", F_REGION, RG(R_INDIA), 0 },
	{ "bengaluru", F_REGION, RG(R_INDIA), 0 },
	{ "australia", F_REGION, RG(R_AUSTRALIA), 0 },
	{ "australian", F_REGION, RG(R_AUSTRALIA), 0 },
	{ "sydney", F_REGION, RG(R_AUSTRALIA), 0 },
	{ "melbourne", F_REGION, RG(R_AUSTRALIA), 0 },
	{ "new zealand", F_REGION, RG(R_AUSTRALIA), 0 },
	{ "canada", F_REGION, RG(R_CANADA), 0 },
	{ "canadian", F_REGION, RG(R_CANADA), 0 },
	{ "toronto", F_REGION, RG(R_CANADA), 0 },
	{ "montreal", F_REGION, RG(R_CANADA), 0 },
	{ "brazil", F_REGION, RG(R_BRAZIL), 0 },
	{ "brazilian", F_REGION, RG(R_BRAZIL), 0 },
	{ "sao paulo", F_REGION, RG(R_BRAZIL), 0 },
	{ "s\xc3\xa3o paulo", F_REGION, RG(R_BRAZIL), 0 },
	{ "south america", F_REGION, RG(R_BRAZIL), 0 },
	{ "latin america", F_REGION, RG(R_BRAZIL), 0 },
	{ "latam", F_REGION, RG(R_BRAZIL), 0 },
	{ "korea", F_REGION, RG(R_KOREA), 0 },
	{ "south korea", F_REGION, RG(R_KOREA), 0 },
	{ "korean", F_REGION, RG(R_KOREA), 0 },
	{ "seoul", F_REGION, RG(R_KOREA), 0 },
	{ "hong kong", F_REGION, RG(R_HONG_KONG), 0 },
	{ "south africa", F_REGION, RG(R_SOUTH_AFRICA), 0 },
	{ "africa", F_REGION, RG(R_SOUTH_AFRICA), 0 },
	{ "johannesburg", F_REGION, RG(R_SOUTH_AFRICA), 0 },
	{ "cape town", F_REGION, RG(R_SOUTH_AFRICA), 0 },
};

/* ================================================================ tokens */

#define T_BRK   1 /* a sentence break (. ! ? ; newline) comes before this token */
#define T_COMMA 2
#define T_NUM   4

struct tok {
	const char *s;
	size_t len;
	unsigned flags;
};

static bool is_alpha(unsigned char c)
{
	return (c >= 'a' && c <= 'z') || (c >= 'A' && c <= 'Z');
}

static bool is_digit(unsigned char c)
{
	return c >= '0' && c <= '9';
}

/* Bytes of the punctuation at p that is not part of a word, 0 if p starts a word byte. */
static size_t punct_len(const unsigned char *p, const unsigned char *end)
{
	if (*p < 0x80)
		return is_alpha(*p) || is_digit(*p) ? 0 : 1;
	/* U+2000-U+206F (quotes, dashes, ellipsis) and U+00A0 separate words */
	if (*p == 0xe2 && end - p >= 3 && (p[1] == 0x80 || p[1] == 0x81))
		return 3;
	if (*p == 0xc2 && end - p >= 2 && p[1] == 0xa0)
		return 2;
	return 0;
}

/*
 * Splits `text` into lower-cased words in `w` (as long as text). An
 * apostrophe between letters joins ("don't" is "dont"); a comma or dot
 * between digits stays in a number ("10,000", "1.5"). Returns the count.
 */
static size_t tokenize(const char *text, size_t len, char *w, struct tok *t)
{
	const unsigned char *p = (const unsigned char *)text, *end = p + len;
	char *wp = w;
	size_t n = 0;
	unsigned pend = 0;
	bool in = false;

	while (p < end) {
		size_t pl = punct_len(p, end);

		if (pl == 0) {
			if (!in) {
				t[n].s = wp;
				t[n].flags = pend | (is_digit(*p) ? T_NUM : 0);
				pend = 0;
				in = true;
			}
			*wp++ = (char)(*p >= 'A' && *p <= 'Z' ? *p + 32 : *p);
			p++;
			continue;
		}
		bool apos =
		        *p == '\'' || (pl == 3 && p[1] == 0x80 && (p[2] == 0x98 || p[2] == 0x99));
		if (in && apos && p + pl < end && is_alpha(p[pl]) &&
		    is_alpha((unsigned char)wp[-1])) {
			p += pl; /* don't -> dont */
			continue;
		}
		if (in && (t[n].flags & T_NUM) && (*p == ',' || *p == '.') && p + 1 < end &&
		    is_digit(p[1]) && is_digit((unsigned char)wp[-1])) {
			*wp++ = (char)*p++;
			continue;
		}
		if (in) {
			t[n].len = (size_t)(wp - t[n].s);
			n++;
			in = false;
		}
		if (*p == '!' || *p == '?' || *p == ';' || *p == '\n' || *p == '\r')
			pend |= T_BRK;
		else if (*p == '.' && (p + 1 == end || !(is_alpha(p[1]) || is_digit(p[1]))))
			pend |= T_BRK;
		else if (*p == ',')
			pend |= T_COMMA;
		p += pl;
	}
	if (in) {
		t[n].len = (size_t)(wp - t[n].s);
		n++;
	}
	return n;
}

static bool tok_is(const struct tok *t, const char *w)
{
	size_t n;

	if (t->s[0] != w[0]) /* cheap first: this runs for every word of the text */
		return false;
	n = strlen(w);
	return t->len == n && memcmp(t->s, w, n) == 0;
}

static bool tok_in(const struct tok *t, const char *const *set)
{
	for (; *set != NULL; set++)
		if (tok_is(t, *set))
			return true;
	return false;
}

/* Words of `phrase` matched at t[i..]: the phrase's word count, or 0. */
static size_t match_phrase(const char *phrase, const struct tok *t, size_t i, size_t n)
{
	size_t words = 0;
	const char *p = phrase;

	for (;;) {
		const char *sp = strchr(p, ' ');
		size_t wl = sp != NULL ? (size_t)(sp - p) : strlen(p);

		if (i + words >= n)
			return 0;
		if (words > 0 && (t[i + words].flags & (T_BRK | T_COMMA)))
			return 0;
		if (t[i + words].len != wl || memcmp(t[i + words].s, p, wl) != 0)
			return 0;
		words++;
		if (sp == NULL)
			return words;
		p = sp + 1;
	}
}

/* ================================================================ negation */

static const char *const negators[] = { "no",       "not",   "without", "never",   "dont",
	                                "doesnt",   "didnt", "wont",    "isnt",    "arent",
	                                "nor",      "avoid", "skip",    "exclude", "excluding",
	                                "except",   "minus", "none",    "neither", "cannot",
	                                "shouldnt", NULL };
static const char *const breakers[] = { "but",   "however", "though",  "although", "yet",
	                                "while", "whereas", "plus",    "also",     "just",
	                                "only",  "and",     "instead", NULL };
static const char *const fillers[] = { "a",   "an",        "the",      "any",   "or",
	                               "nor", "other",     "separate", "extra", "additional",
	                               "own", "dedicated", "managed",  NULL };
static const char *const need_words[] = { "needed", "required",  "necessary", "wanted",
	                                  "needed", "requested", NULL };

static bool is_negator(const struct tok *t, size_t j)
{
	if (tok_in(&t[j], negators))
		return true;
	/* "instead of", "rather than" */
	if (j > 0 && tok_is(&t[j], "of") && tok_is(&t[j - 1], "instead"))
		return true;
	return j > 0 && tok_is(&t[j], "than") && tok_is(&t[j - 1], "rather");
}

/*
 * Whether the keyword at t[i..i+len) is ruled out: a negator up to four
 * words before it in the same clause ("we don't need a database"), a list
 * after a negated keyword ("no cache, queue or search"), or "is not needed"
 * / "not required" / "none" right after it.
 */
static bool negated(const struct tok *t, size_t n, size_t i, size_t len, size_t list_from)
{
	size_t j = i;

	for (int steps = 0; steps < 4 && j > 0; steps++) {
		if (t[j].flags & (T_BRK | T_COMMA)) /* "without a database, redis for sessions" */
			break;
		j--;
		if (tok_in(&t[j], breakers))
			break;
		if (is_negator(t, j))
			return true;
	}
	if (list_from != (size_t)-1 && list_from <= i) {
		/* "no cache, queue or search": fillers between, and an "or" in the list */
		bool list = true, alt = false;

		for (size_t k = list_from; k <= i && list; k++) {
			if (k > list_from && (t[k].flags & T_BRK))
				list = false;
			else if (k < i && !tok_in(&t[k], fillers))
				list = false;
			else if (k < i && (tok_is(&t[k], "or") || tok_is(&t[k], "nor")))
				alt = true;
		}
		for (size_t k = i + len; list && !alt && k < n && k < i + len + 4; k++) {
			if (t[k].flags & T_BRK)
				break;
			alt = tok_is(&t[k], "or") || tok_is(&t[k], "nor");
		}
		if (list && alt)
			return true;
	}
	j = i + len;
	for (int steps = 0; steps < 3 && j < n && !(t[j].flags & T_BRK); steps++, j++) {
		if (tok_is(&t[j], "is") || tok_is(&t[j], "are") || tok_is(&t[j], "be") ||
		    tok_is(&t[j], "really") || tok_is(&t[j], "strictly"))
			continue;
		if (tok_is(&t[j], "none") || tok_is(&t[j], "unnecessary") ||
		    tok_is(&t[j], "unneeded"))
			return true;
		if (tok_is(&t[j], "not") || tok_is(&t[j], "isnt") || tok_is(&t[j], "arent")) {
			for (size_t k = j + 1; k < n && k < j + 3 && !(t[k].flags & T_BRK); k++)
				if (tok_in(&t[k], need_words))
					return true;
		}
		break;
	}
	return false;
}

/* ================================================================ numbers */

enum { U_NONE, U_USERS, U_REQS };

static const char *const user_units[] = { "user",       "users",       "visitor",  "visitors",
	                                  "customer",   "customers",   "member",   "members",
	                                  "player",     "players",     "student",  "students",
	                                  "subscriber", "subscribers", "people",   "viewers",
	                                  "clients",    "shoppers",    "readers",  "employees",
	                                  "patients",   "learners",    "sessions", NULL };
static const char *const req_units[] = { "request", "requests",     "req",       "reqs",  "hits",
	                                 "calls",   "transactions", "pageviews", "views", "visits",
	                                 "queries", "orders",       "events",    NULL };
static const char *const qualifiers[] = {
	"active",   "unique",     "registered",   "total",   "peak",  "new",    "paying",
	"expected", "api",        "http",         "https",   "web",   "page",   "site",
	"app",      "mobile",     "end",          "monthly", "daily", "weekly", "yearly",
	"hourly",   "concurrent", "simultaneous", "annual",  "more",  "or",     "so",
	"of",       "about",      "online",       NULL
};

static int64_t period_of(const struct tok *t)
{
	static const struct {
		const char *w;
		int64_t s;
	} p[] = {
		{ "second", 1 },
		{ "seconds", 1 },
		{ "sec", 1 },
		{ "secs", 1 },
		{ "s", 1 },
		{ "minute", 60 },
		{ "minutes", 60 },
		{ "min", 60 },
		{ "mins", 60 },
		{ "hour", 3600 },
		{ "hours", 3600 },
		{ "hr", 3600 },
		{ "hrs", 3600 },
		{ "h", 3600 },
		{ "hourly", 3600 },
		{ "day", 86400 },
		{ "days", 86400 },
		{ "daily", 86400 },
		{ "dau", 86400 },
		{ "week", 604800 },
		{ "weeks", 604800 },
		{ "weekly", 604800 },
		{ "month", 2592000 },
		{ "months", 2592000 },
		{ "monthly", 2592000 },
		{ "mo", 2592000 },
		{ "mau", 2592000 },
		{ "year", 31536000 },
		{ "years", 31536000 },
		{ "yearly", 31536000 },
		{ "annually", 31536000 },
		{ "annual", 31536000 },
	};

	for (size_t i = 0; i < NELEM(p); i++)
		if (tok_is(t, p[i].w))
			return p[i].s;
	return 0;
}

/* A number token: digits with , grouping and one . decimal, then k, m, mm, mn, b or bn. */
static bool parse_number(const struct tok *t, double *out)
{
	double v = 0, frac = 0, scale = 1;
	bool dot = false;
	size_t i = 0;

	for (; i < t->len; i++) {
		char c = t->s[i];

		if (is_digit((unsigned char)c)) {
			if (dot) {
				scale /= 10;
				frac += (c - '0') * scale;
			} else {
				v = v * 10 + (c - '0');
			}
		} else if (c == ',' && !dot) {
			continue;
		} else if (c == '.' && !dot) {
			dot = true;
		} else {
			break;
		}
		if (v > 1e15)
			return false;
	}
	v += frac;
	if (i < t->len) {
		const char *s = t->s + i;
		size_t rest = t->len - i;

		if (rest == 1 && *s == 'k')
			v *= 1e3;
		else if ((rest == 1 && *s == 'm') ||
		         (rest == 2 && (!memcmp(s, "mm", 2) || !memcmp(s, "mn", 2))))
			v *= 1e6;
		else if ((rest == 1 && *s == 'b') || (rest == 2 && !memcmp(s, "bn", 2)))
			v *= 1e9;
		else
			return false;
	}
	*out = v;
	return true;
}

static void fmt_count(char *buf, size_t len, double v)
{
	if (v >= 1e6 && v < 1e15) {
		double m = v / 1e6;

		if (m == (double)(int64_t)m)
			snprintf(buf, len, "%lld million", (long long)m);
		else
			snprintf(buf, len, "%.1f million", m);
		return;
	}
	char digits[32], out[48];
	int nd, k = 0;

	nd = snprintf(digits, sizeof(digits), "%lld", (long long)(v + 0.5));
	for (int i = 0; i < nd; i++) {
		if (i > 0 && (nd - i) % 3 == 0)
			out[k++] = ',';
		out[k++] = digits[i];
	}
	out[k] = '\0';
	snprintf(buf, len, "%s", out);
}

/* Daily requests per daily user and the peak-to-average factor (docs/GENERATOR.md). */
#define REQS_PER_USER_DAY 30.0
#define PEAK_FACTOR       3.0

/*
 * A traffic figure starting at t[i]: "10,000 users", "50k daily active
 * users", "2 million requests per day", "500 req/s", "1M monthly visitors",
 * "1000 concurrent users". Keeps the largest peak estimate in *need.
 */
static void traffic(const struct tok *t, size_t n, size_t i, struct gen_need *need)
{
	static const char *const mult_words[] = { "k",       "thousand", "thousands", "m",
		                                  "million", "millions", "mm",        "mn",
		                                  "b",       "billion",  "bn",        "billions",
		                                  NULL };
	double v, rps;
	size_t j = i + 1;
	int64_t per = 0;
	int unit = U_NONE;
	bool conc = false;
	char num[48];
	const char *unit_word;

	if (t[i].flags & T_NUM) {
		if (!parse_number(&t[i], &v))
			return;
	} else if ((tok_is(&t[i], "thousands") || tok_is(&t[i], "millions")) && i + 1 < n &&
	           tok_is(&t[i + 1], "of")) {
		v = tok_is(&t[i], "thousands") ? 5000 : 2e6;
		j = i + 2;
	} else {
		return;
	}
	if (j < n && !(t[j].flags & T_BRK) && tok_in(&t[j], mult_words)) {
		char c = t[j].s[0];

		v *= c == 'k' || c == 't' ? 1e3 : c == 'b' ? 1e9 : 1e6;
		j++;
	}
	for (int k = 0; k < 5 && j < n && !(t[j].flags & T_BRK); k++, j++) {
		if (tok_is(&t[j], "dau") || tok_is(&t[j], "mau")) {
			unit = U_USERS;
			per = period_of(&t[j]);
			j++;
			break;
		}
		if (tok_is(&t[j], "rps") || tok_is(&t[j], "qps") || tok_is(&t[j], "tps") ||
		    tok_is(&t[j], "rpm")) {
			unit = U_REQS;
			per = t[j].s[2] == 'm' ? 60 : 1;
			j++;
			break;
		}
		if (tok_in(&t[j], user_units)) {
			unit = U_USERS;
			j++;
			break;
		}
		if (tok_in(&t[j], req_units)) {
			unit = U_REQS;
			j++;
			break;
		}
		if (!tok_in(&t[j], qualifiers))
			return;
		if (tok_is(&t[j], "concurrent") || tok_is(&t[j], "simultaneous") ||
		    tok_is(&t[j], "online"))
			conc = true;
		else if (period_of(&t[j]) != 0)
			per = period_of(&t[j]);
	}
	if (unit == U_NONE)
		return;
	for (int k = 0; k < 3 && j < n && !(t[j].flags & T_BRK); k++, j++) {
		if (tok_is(&t[j], "per") || tok_is(&t[j], "a") || tok_is(&t[j], "an") ||
		    tok_is(&t[j], "each") || tok_is(&t[j], "every") || tok_is(&t[j], "at") ||
		    tok_is(&t[j], "in"))
			continue;
		if (period_of(&t[j]) != 0)
			per = period_of(&t[j]);
		else if (tok_is(&t[j], "online") || tok_is(&t[j], "once") ||
		         tok_is(&t[j], "concurrently") || tok_is(&t[j], "simultaneously"))
			conc = true;
		break;
	}

	if (unit == U_USERS && conc) {
		rps = v / 10; /* a request every ten seconds per user online */
	} else if (per != 0 && per < 86400) {
		rps = v / (double)per;
	} else if (unit == U_USERS) {
		double daily = per != 0 ? v * 86400 / (double)per : v;

		rps = daily * REQS_PER_USER_DAY * PEAK_FACTOR / 86400;
	} else {
		rps = v / (double)(per != 0 ? per : 86400) * PEAK_FACTOR;
	}
	if (rps <= need->rps)
		return;
	need->rps = rps;
	fmt_count(num, sizeof(num), v);
	unit_word = unit == U_USERS ? "users" : "requests";
	if (conc)
		snprintf(need->traffic, sizeof(need->traffic), "%s concurrent %s", num, unit_word);
	else if (per == 0)
		snprintf(need->traffic, sizeof(need->traffic), "%s %s (read as per day)", num,
		         unit_word);
	else
		snprintf(need->traffic, sizeof(need->traffic), "%s %s per %s", num, unit_word,
		         per == 1         ? "second"
		         : per == 60      ? "minute"
		         : per == 3600    ? "hour"
		         : per == 86400   ? "day"
		         : per == 604800  ? "week"
		         : per == 2592000 ? "month"
		                          : "year");
}

/* ================================================================ reader */

/* Keywords are found by the first and last byte and the length of their first word. */
#define NBUCKETS 512

static unsigned bucket_of(const char *w, size_t len)
{
	return ((unsigned char)w[0] * 31u + (unsigned char)w[len - 1] * 7u + (unsigned)len * 131u) %
	       NBUCKETS;
}

int gen_read(struct arena *a, const char *text, struct gen_need *need)
{
	size_t len = text != NULL ? strlen(text) : 0, n, start[NBUCKETS + 1] = { 0 };
	size_t fill[NBUCKETS + 1];
	unsigned short order[NELEM(kws)];
	unsigned char first_len[NELEM(kws)];
	size_t list_from = (size_t)-1;
	int region_level = 0;
	struct tok *t;
	char *w;

	memset(need, 0, sizeof(*need));
	need->engine = need->cache_engine = need->runtime = need->region = -1;
	if (len == 0)
		return 0;
	if ((w = arena_alloc(a, len + 1)) == NULL ||
	    (t = arena_alloc(a, (len / 2 + 2) * sizeof(*t))) == NULL)
		return -1;
	n = tokenize(text, len, w, t);

	/* A counting sort of the keywords into buckets: a few microseconds per call. */
	for (size_t k = 0; k < NELEM(kws); k++) {
		first_len[k] = (unsigned char)strcspn(kws[k].p, " ");
		start[bucket_of(kws[k].p, first_len[k]) + 1]++;
	}
	for (size_t b = 1; b <= NBUCKETS; b++)
		start[b] += start[b - 1];
	memcpy(fill, start, sizeof(fill));
	for (size_t k = 0; k < NELEM(kws); k++)
		order[fill[bucket_of(kws[k].p, first_len[k])]++] = (unsigned short)k;

	for (size_t i = 0; i < n;) {
		unsigned b = bucket_of(t[i].s, t[i].len);
		const struct kw *best = NULL;
		size_t best_len = 0;

		for (size_t k = start[b]; k < start[b + 1]; k++) {
			size_t m;

			if (first_len[order[k]] != t[i].len ||
			    memcmp(kws[order[k]].p, t[i].s, t[i].len) != 0)
				continue;
			m = match_phrase(kws[order[k]].p, t, i, n);

			if (m > best_len) {
				best_len = m;
				best = &kws[order[k]];
			}
		}
		if (best == NULL) {
			traffic(t, n, i, need);
			i++;
			continue;
		}
		if (best->feat != F_NONE) {
			bool neg =
			        !(best->flags & KW_NONEG) && negated(t, n, i, best_len, list_from);

			if (neg) {
				need->neg[best->feat]++;
				list_from = i + best_len;
			} else {
				need->pos[best->feat]++;
				list_from = (size_t)-1;
				switch (best->feat) {
				case F_DB:
					if (best->arg == NOSQL)
						need->pos[F_NONE]++; /* noted for the assumptions */
					else if (best->arg != 0 && need->engine < 0)
						need->engine = best->arg - 1;
					break;
				case F_CACHE:
					if (best->arg != 0 && need->cache_engine < 0)
						need->cache_engine = best->arg - 1;
					break;
				case F_RUNTIME:
					if (need->runtime < 0)
						need->runtime = best->arg;
					break;
				case F_REGION:
					if (gen_regions[best->arg].level > region_level) {
						region_level = gen_regions[best->arg].level;
						need->region = best->arg;
					}
					break;
				default: break;
				}
			}
		}
		i += best_len;
	}
	return 0;
}

/* ================================================================ design */

/* Traffic tiers by peak requests per second, and what each tier starts with. */
static const double tier_rps[] = { 5, 25, 100, 400, 1500 };
static const int web_count[] = { 1, 1, 2, 3, 4, 8 };
static const int web_idx[] = { 0, 1, 2, 3, 4, 4 };
static const int k8s_count[] = { 2, 2, 2, 3, 4, 6 };
static const int k8s_idx[] = { 0, 1, 1, 2, 2, 3 };
static const int db_idx[] = { 0, 1, 2, 3, 4, 5 };
static const int cache_idx[] = { 0, 0, 1, 2, 3, 3 };
static const int search_idx[] = { 0, 0, 0, 1, 2, 3 };

static int tier_of(const struct gen_need *n)
{
	int t = 0;

	if (n->rps <= 0)
		return n->pos[F_LARGE] > 0 ? 2 : 0;
	while (t < (int)NELEM(tier_rps) && n->rps >= tier_rps[t])
		t++;
	return t;
}

static int clampi(int v, int lo, int hi)
{
	return v < lo ? lo : v > hi ? hi : v;
}

static bool valid_name_char(char c)
{
	return is_alpha((unsigned char)c) || is_digit((unsigned char)c) || c == '-' || c == '_';
}

/* The project's names: as given, a DNS-safe slug, letters and digits only, a GCP label. */
static void set_names(struct gen_design *d, const char *project)
{
	char tmp[128];
	size_t n = 0, k = 0;

	for (const char *p = project != NULL ? project : ""; *p != '\0' && n < 100; p++)
		d->project[n++] = valid_name_char(*p) ? *p : '-';
	d->project[n] = '\0';
	if (n == 0)
		strcpy(d->project, "project");

	for (const char *p = d->project; *p != '\0'; p++) {
		char c = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p == '_' ? '-' : *p;

		if (c == '-' && (k == 0 || tmp[k - 1] == '-'))
			continue;
		tmp[k++] = c;
	}
	while (k > 0 && tmp[k - 1] == '-')
		k--;
	tmp[k] = '\0';
	if (k == 0)
		snprintf(d->slug, sizeof(d->slug), "app");
	else if (!is_alpha((unsigned char)tmp[0]))
		snprintf(d->slug, sizeof(d->slug), "app-%.20s", tmp);
	else
		snprintf(d->slug, sizeof(d->slug), "%.24s", tmp);
	for (k = strlen(d->slug); k > 0 && d->slug[k - 1] == '-'; k--)
		d->slug[k - 1] = '\0';

	k = 0;
	for (const char *p = d->slug; *p != '\0' && k < 19; p++)
		if (*p != '-')
			d->compact[k++] = *p;
	d->compact[k] = '\0';
	if (k < 3)
		strcat(d->compact, "app");

	k = 0;
	for (const char *p = d->project; *p != '\0' && k < 63; p++)
		d->label[k++] = *p >= 'A' && *p <= 'Z' ? (char)(*p + 32) : *p;
	d->label[k] = '\0';
}

void gen_derive(struct gen_design *d)
{
	d->lb = d->app &&
	        (d->app_cdn || (!d->lb_refused && (d->lb_asked || d->web_max > 1 || d->web_ha)));
	d->net = d->app || d->k8s || d->db || d->cache || (d->search && d->cloud != GEN_AZURE);
}

static bool has(const struct gen_need *n, enum gen_feat f)
{
	return n->pos[f] > 0;
}

static bool refused(const struct gen_need *n, enum gen_feat f)
{
	return n->neg[f] > 0 && n->pos[f] == 0;
}

static void design(const struct gen_need *n, enum gen_cloud cloud, const char *project,
                   struct gen_design *d)
{
	bool st = has(n, F_STATIC), ha = has(n, F_HA);
	bool dynamic = has(n, F_WEB) || has(n, F_API) || has(n, F_WORKER) || has(n, F_LB) ||
	               has(n, F_VM) || (has(n, F_WEAKWEB) && !st);
	int tier = tier_of(n), cnt;
	const struct gen_ladder *l;

	memset(d, 0, sizeof(*d));
	d->cloud = cloud;
	set_names(d, project);
	d->region_named = n->region >= 0;
	d->region = &gen_regions[n->region >= 0 ? n->region : R_DEFAULT];

	d->k8s = has(n, F_K8S) || (has(n, F_CONTAINERS) && !refused(n, F_K8S));
	d->func = has(n, F_FUNC);
	d->db = has(n, F_DB);
	d->cache = has(n, F_CACHE);
	d->queue = has(n, F_QUEUE);
	d->search = has(n, F_SEARCH);
	d->monitor = has(n, F_MONITOR);
	d->backup = has(n, F_BACKUP);
	d->autoscale = has(n, F_AUTOSCALE);
	d->app = !d->k8s && (has(n, F_VM) || (dynamic && !d->func));
	if (!st && !dynamic && !d->k8s && !d->func && !d->db && !d->cache && !d->queue &&
	    !d->search && !has(n, F_STORAGE) && !has(n, F_CDN))
		d->app = true; /* nothing named: a plain web application */

	d->site = st;
	d->site_cdn = st && !refused(n, F_CDN);
	d->assets = has(n, F_STORAGE) && (d->app || d->k8s || d->func || !st);
	if (has(n, F_CDN) && !st) {
		if (d->app) {
			d->app_cdn = true;
		} else {
			/* No site and no web tier to put it in front of: it serves a bucket. */
			d->site = d->site_cdn = true;
			d->assets = d->assets && (d->k8s || d->func);
		}
	}
	/* functions answer HTTP when a web tier or API is asked for, or when nothing triggers them
	 */
	d->func_api = d->func && (has(n, F_WEB) || has(n, F_API) || has(n, F_LB) ||
	                          (has(n, F_WEAKWEB) && !st) || !d->queue);
	d->func_queue = d->func && d->queue;

	d->engine = n->engine >= 0 ? n->engine : GEN_DB_POSTGRES;
	if (d->engine == GEN_DB_MARIADB && cloud != GEN_AWS)
		d->engine = GEN_DB_MYSQL;
	d->cache_engine =
	        n->cache_engine >= 0 && cloud == GEN_AWS ? n->cache_engine : GEN_CACHE_REDIS;
	d->runtime = n->runtime >= 0 ? n->runtime : GEN_RT_NODE;

	cnt = web_count[tier];
	if (ha && cnt < 2)
		cnt = 2;
	d->web_min = cnt;
	d->web_max = d->autoscale ? clampi(cnt * 3 > cnt + 2 ? cnt * 3 : cnt + 2, cnt, 30) : cnt;
	d->web_ha = ha;
	d->web_size = clampi(web_idx[tier], 0, gen_ladder(cloud, GEN_L_WEB, 0, false)->n - 1);

	cnt = k8s_count[tier];
	d->k8s_min = cnt;
	d->k8s_max = d->autoscale ? clampi(cnt * 3, cnt, 30) : cnt;
	d->k8s_ha = ha;
	d->k8s_size = clampi(k8s_idx[tier], 0, gen_ladder(cloud, GEN_L_K8S, 0, false)->n - 1);

	d->db_ha = ha && d->engine != GEN_DB_MSSQL;
	l = gen_ladder(cloud, GEN_L_DB, d->engine, d->db_ha);
	d->db_size = clampi(db_idx[tier], d->db_ha ? l->ha_min : 0, l->n - 1);

	d->cache_ha = ha;
	l = gen_ladder(cloud, GEN_L_CACHE, d->cache_engine, d->cache_ha);
	d->cache_size = clampi(cache_idx[tier], 0, l->n - 1);

	d->search_ha = ha;
	l = gen_ladder(cloud, GEN_L_SEARCH, 0, false);
	d->search_size = clampi(search_idx[tier], 0, l->n - 1);

	d->queue_size = gen_ladder(cloud, GEN_L_QUEUE, 0, false)->n - 1;

	d->lb_asked = has(n, F_LB) || d->app_cdn;
	d->lb_refused = refused(n, F_LB);
	gen_derive(d);
}

/* ================================================================ budget */

struct fitter {
	struct gen_out *o;
	struct arena *a;
	int64_t budget;
	bool lb_named;
	const char **warn;
	size_t nwarn;
	bool fail;
};

static int64_t dollars(int64_t cents)
{
	return (cents + 99) / 100;
}

/* Prices `d` with a dry run of the writer; per-component cents in f->o->comp_cents. */
static int64_t price(struct fitter *f, const struct gen_design *d)
{
	struct gen_out *o = f->o;

	o->a = NULL;
	o->nres = 0;
	o->cents = 0;
	o->npend = 0;
	o->vlen = 0;
	o->depth = 0;
	o->fail = false;
	memset(o->comp_cents, 0, sizeof(o->comp_cents));
	gen_write(o, d, 0);
	if (o->fail)
		f->fail = true;
	return o->cents;
}

static bool fits(struct fitter *f, const struct gen_design *d)
{
	return dollars(price(f, d)) <= f->budget;
}

static void warn(struct fitter *f, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void warn(struct fitter *f, const char *fmt, ...)
{
	char line[256], *s;
	va_list ap;

	if (f->warn == NULL)
		return;
	va_start(ap, fmt);
	vsnprintf(line, sizeof(line), fmt, ap);
	va_end(ap);
	if (f->nwarn >= 32) /* cannot happen: there are fewer steps than that */
		return;
	s = arena_printf(f->a, "%s to fit the $%lld budget.", line, (long long)f->budget);
	if (s == NULL)
		f->fail = true;
	else
		f->warn[f->nwarn++] = s;
}

static const char *plural(int n)
{
	return n == 1 ? "" : "s";
}

/* The components of a step, most expensive first. */
static void by_cost(const struct gen_out *o, const enum gen_comp *c, size_t n, size_t *idx)
{
	for (size_t i = 0; i < n; i++)
		idx[i] = i;
	for (size_t i = 1; i < n; i++)
		for (size_t j = i; j > 0 && o->comp_cents[c[idx[j]]] > o->comp_cents[c[idx[j - 1]]];
		     j--) {
			size_t tmp = idx[j];

			idx[j] = idx[j - 1];
			idx[j - 1] = tmp;
		}
}

/*
 * Steps `d` down until it fits f->budget (until_fit) or all the way (the
 * smallest design), in the documented order: 1 replica counts to their
 * floor, 2 high availability off, 3 sizes down one step at a time, most
 * expensive component first, 4 optional extras off. Returns true if it fits.
 */
static bool step_down(struct fitter *f, struct gen_design *d, bool until_fit)
{
#define DONE()                                                                                     \
	if (until_fit && fits(f, d))                                                               \
	return true
	size_t idx[8];

	if (until_fit && fits(f, d))
		return true;

	/* 1: replica counts (and autoscaling ranges) to their floor */
	{
		static const enum gen_comp c[] = { GC_WEB, GC_KUBERNETES };

		price(f, d);
		by_cost(f->o, c, NELEM(c), idx);
		for (size_t i = 0; i < NELEM(c); i++) {
			if (c[idx[i]] == GC_WEB && d->app) {
				int floor = d->web_ha ? 2 : 1,
				    max = d->autoscale ? 2 * floor : floor;
				int was = d->web_min;

				if (d->web_min <= floor && d->web_max <= max)
					continue;
				d->web_min = floor;
				d->web_max = d->web_max < max ? d->web_max : max;
				gen_derive(d);
				if (was != d->web_min)
					warn(f,
					     "Web tier starts with %d instance%s instead of %d%s",
					     floor, plural(floor), was,
					     d->autoscale ? " (autoscaling range narrowed)" : "");
				else
					warn(f, "Web tier autoscaling capped at %d instances",
					     d->web_max);
			} else if (c[idx[i]] == GC_KUBERNETES && d->k8s) {
				int floor = d->k8s_ha ? 2 : 1,
				    max = d->autoscale ? 2 * floor : floor;
				int was = d->k8s_min;

				if (d->k8s_min <= floor && d->k8s_max <= max)
					continue;
				d->k8s_min = floor;
				d->k8s_max = d->k8s_max < max ? d->k8s_max : max;
				if (was != d->k8s_min)
					warn(f,
					     "Kubernetes node pool starts with %d node%s instead "
					     "of %d",
					     floor, plural(floor), was);
				else
					warn(f, "Kubernetes node autoscaling capped at %d nodes",
					     d->k8s_max);
			}
			DONE();
		}
	}

	/* 2: high availability off */
	{
		static const enum gen_comp c[] = { GC_DATABASE, GC_CACHE, GC_SEARCH, GC_WEB,
			                           GC_KUBERNETES };
		static const char *const standby[GEN_CLOUD__MAX] = { "Multi-AZ standby",
			                                             "zone-redundant standby",
			                                             "regional (HA) standby" };

		price(f, d);
		by_cost(f->o, c, NELEM(c), idx);
		for (size_t i = 0; i < NELEM(c); i++) {
			switch (c[idx[i]]) {
			case GC_DATABASE:
				if (!d->db || !d->db_ha)
					continue;
				d->db_ha = false;
				warn(f, "Database %s dropped", standby[d->cloud]);
				break;
			case GC_CACHE:
				if (!d->cache || !d->cache_ha)
					continue;
				d->cache_ha = false;
				warn(f, "Cache replica dropped");
				break;
			case GC_SEARCH:
				if (!d->search || !d->search_ha)
					continue;
				d->search_ha = false;
				warn(f, "Search reduced to a single node");
				break;
			case GC_WEB: {
				bool had_lb = d->lb;

				if (!d->app || !d->web_ha)
					continue;
				d->web_ha = false;
				d->web_min = 1;
				if (d->web_max > (d->autoscale ? 2 : 1))
					d->web_max = d->autoscale ? 2 : 1;
				gen_derive(d);
				warn(f, "Web tier reduced to one instance in one zone%s",
				     had_lb && !d->lb ? " (no load balancer)" : "");
				break;
			}
			default:
				if (!d->k8s || !d->k8s_ha)
					continue;
				d->k8s_ha = false;
				d->k8s_min = 1;
				if (d->k8s_max > (d->autoscale ? 2 : 1))
					d->k8s_max = d->autoscale ? 2 : 1;
				warn(f, "Kubernetes nodes reduced to one in a single zone");
				break;
			}
			DONE();
		}
	}

	/* 3: sizes down one step at a time, the most expensive component first */
	{
		static const enum gen_comp c[] = { GC_WEB,   GC_KUBERNETES, GC_DATABASE,
			                           GC_CACHE, GC_SEARCH,     GC_QUEUE };
		static const enum gen_ladder_id lid[] = { GEN_L_WEB,   GEN_L_K8S,    GEN_L_DB,
			                                  GEN_L_CACHE, GEN_L_SEARCH, GEN_L_QUEUE };
		static const char *const what[] = {
			"Web instance", "Kubernetes node", "Database",
			"Cache",        "Search node",     "Queue tier"
		};
		int *sz[] = { &d->web_size,   &d->k8s_size,    &d->db_size,
			      &d->cache_size, &d->search_size, &d->queue_size };
		bool on[] = { d->app, d->k8s, d->db, d->cache, d->search, d->queue };
		int was[NELEM(c)];
		bool done = false;

		for (size_t i = 0; i < NELEM(c); i++)
			was[i] = *sz[i];
		while (!done) {
			size_t pick = NELEM(c);

			price(f, d);
			for (size_t i = 0; i < NELEM(c); i++) {
				int lo = 0;

				if (!on[i] || *sz[i] <= 0)
					continue;
				if (lid[i] == GEN_L_DB && d->db_ha)
					lo = gen_ladder(d->cloud, GEN_L_DB, d->engine, true)
					             ->ha_min;
				if (*sz[i] <= lo)
					continue;
				if (pick == NELEM(c) ||
				    f->o->comp_cents[c[i]] > f->o->comp_cents[c[pick]])
					pick = i;
			}
			if (pick == NELEM(c))
				break;
			(*sz[pick])--;
			done = until_fit && fits(f, d);
		}
		for (size_t i = 0; i < NELEM(c); i++) {
			const struct gen_ladder *l;

			if (was[i] == *sz[i])
				continue;
			l = lid[i] == GEN_L_DB ? gen_ladder(d->cloud, GEN_L_DB, d->engine, d->db_ha)
			    : lid[i] == GEN_L_CACHE ? gen_ladder(d->cloud, GEN_L_CACHE,
			                                         d->cache_engine, d->cache_ha)
			                            : gen_ladder(d->cloud, lid[i], 0, false);
			warn(f, "%s size reduced from %s to %s", what[i], l->sizes[was[i]],
			     l->sizes[*sz[i]]);
		}
		if (done)
			return true;
	}

	/* 4: optional extras */
	if (d->app_cdn) {
		d->app_cdn = false;
		d->lb_asked = f->lb_named;
		gen_derive(d);
		warn(f, "CDN in front of the web tier dropped");
		DONE();
	}
	if (d->monitor) {
		d->monitor = false;
		warn(f, "Monitoring (alarms and log retention) dropped");
		DONE();
	}
	if (d->backup) {
		d->backup = false;
		warn(f, "Extra backups (backup vault, longer retention, versioning) dropped");
		DONE();
	}
	if (d->site_cdn) {
		d->site_cdn = false;
		warn(f, "CDN dropped: the site is served straight from its storage bucket");
		DONE();
	}
	return until_fit ? fits(f, d) : true;
#undef DONE
}

/* ================================================================ assumptions */

struct notes {
	struct arena *a;
	const char **v;
	size_t n;
	bool fail;
};

static void note(struct notes *s, const char *fmt, ...) __attribute__((format(printf, 2, 3)));
static void note(struct notes *s, const char *fmt, ...)
{
	va_list ap;
	char *p;

	if (s->n >= 24)
		return;
	va_start(ap, fmt);
	p = arena_vprintf(s->a, fmt, ap);
	va_end(ap);
	if (p == NULL)
		s->fail = true;
	else
		s->v[s->n++] = p;
}

static const char *const engine_names[GEN_DB__MAX] = { "PostgreSQL", "MySQL", "MariaDB",
	                                               "SQL Server" };

static void assumptions(struct notes *s, const struct gen_need *n, const struct gen_design *d,
                        enum gen_cloud cloud)
{
	static const char *const feat_names[F__MAX] = {
		[F_WEB] = "web tier",
		[F_WEAKWEB] = "web site or app",
		[F_API] = "API",
		[F_STATIC] = "static site",
		[F_VM] = "servers",
		[F_WORKER] = "background workers",
		[F_DB] = "database",
		[F_CACHE] = "cache",
		[F_STORAGE] = "object storage",
		[F_CDN] = "CDN",
		[F_LB] = "load balancer",
		[F_QUEUE] = "queue",
		[F_K8S] = "Kubernetes",
		[F_CONTAINERS] = "containers",
		[F_FUNC] = "serverless functions",
		[F_SEARCH] = "search",
		[F_MONITOR] = "monitoring",
		[F_BACKUP] = "backups",
		[F_HA] = "high availability",
		[F_AUTOSCALE] = "autoscaling",
	};
	char list[512] = "", refused_list[256] = "";
	const char *reg = cloud == GEN_AWS     ? d->region->aws
	                  : cloud == GEN_AZURE ? d->region->azure
	                                       : d->region->gcp;

	for (int f = 0; f < F__MAX; f++) {
		if (feat_names[f] == NULL)
			continue;
		/* "website" counts as the web tier only when nothing more precise was said */
		if (f == F_WEAKWEB && (n->pos[F_WEB] > 0 || n->pos[F_STATIC] > 0))
			continue;
		if (n->pos[f] > 0 && strlen(list) + strlen(feat_names[f]) + 3 < sizeof(list))
			strcat(strcat(list, *list ? ", " : ""), feat_names[f]);
		else if (n->neg[f] > 0 && n->pos[f] == 0 &&
		         strlen(refused_list) + strlen(feat_names[f]) + 3 < sizeof(refused_list))
			strcat(strcat(refused_list, *refused_list ? ", " : ""), feat_names[f]);
	}
	if (*list)
		note(s, "Read from the requirements: %s.", list);
	else
		note(s, "Nothing specific was recognized in the requirements: a network and a web "
		        "tier are assumed.");
	if (*refused_list)
		note(s, "Left out because the requirements rule it out: %s.", refused_list);

	if (d->app && d->web_min == d->web_max)
		note(s, "Web tier: %d virtual machine%s%s.", d->web_min, plural(d->web_min),
		     d->lb ? " behind a load balancer listening on HTTP port 80; add a certificate "
		             "for HTTPS"
		           : " with a public address and no load balancer");
	else if (d->app)
		note(s, "Web tier: %d to %d virtual machines%s.", d->web_min, d->web_max,
		     d->lb ? " behind a load balancer listening on HTTP port 80; add a certificate "
		             "for HTTPS"
		           : "");
	if (d->k8s)
		note(s,
		     "Applications run on a managed Kubernetes cluster (%d to %d nodes); its "
		     "ingress load balancer is created by Kubernetes and is not priced.",
		     d->k8s_min, d->k8s_max);
	if (d->func)
		note(s, "Serverless functions (%s)%s.", d->func_api ? "HTTP API" : "queue worker",
		     d->func_queue && d->func_api ? " also triggered by the queue" : "");
	if (d->site && d->site_cdn)
		note(s, "The static content is served from a storage bucket through a CDN, with "
		        "no servers for it.");
	else if (d->site)
		note(s, "The static site is served straight from a public storage bucket.");
	if (d->db) {
		if (n->engine < 0)
			note(s, "No database engine named: %s is the default.",
			     engine_names[d->engine]);
		if (n->engine == GEN_DB_MARIADB && d->engine == GEN_DB_MYSQL)
			note(s,
			     "%s has no managed MariaDB: MySQL, which MariaDB clients speak, is "
			     "used instead.",
			     cloud == GEN_AZURE ? "Azure" : "Google Cloud");
		if (n->pos[F_NONE] > 0)
			note(s,
			     "NoSQL databases are not generated: a managed %s database stands in.",
			     engine_names[d->engine]);
		if (has(n, F_HA) && d->engine == GEN_DB_MSSQL)
			note(s, "SQL Server is provisioned in an edition without a standby%s.",
			     cloud == GEN_AZURE
			             ? " (Azure SQL Database is already redundant within "
			               "its region)"
			             : "");
	}
	if (d->cache && n->cache_engine == GEN_CACHE_MEMCACHED &&
	    d->cache_engine != n->cache_engine)
		note(s,
		     "%s offers Redis rather than Memcached as its managed cache: Redis is used.",
		     cloud == GEN_AZURE ? "Azure" : "Google Cloud");
	if (d->search && cloud == GEN_GCP)
		note(s, "Google Cloud has no managed Elasticsearch/OpenSearch: a private VM is "
		        "provisioned for a self-managed OpenSearch node.");
	if (n->traffic[0] != '\0')
		note(s, "Traffic: %s, sized for about %.0f requests per second at peak.",
		     n->traffic, n->rps < 1 ? 1 : n->rps);
	else if (has(n, F_LARGE))
		note(s, "No traffic figure given, but heavy use is expected: sized for up to 100 "
		        "requests per second.");
	else
		note(s, "No traffic figure given: sized for a small load (under 5 requests per "
		        "second).");
	if (d->autoscale && (d->app || d->k8s))
		note(s, "Autoscaling: the cost counts the minimum size; peaks add to it.");
	if (d->region_named)
		note(s, "Region %s, for %s.", reg, d->region->label);
	else
		note(s, "No region named: %s.", reg);
	note(s,
	     "Prices are on-demand list prices of %s for %s, approximate and not live; "
	     "data transfer beyond the included allowances is not counted.",
	     GEN_PRICE_DATE,
	     cloud == GEN_AWS     ? "us-east-1"
	     : cloud == GEN_AZURE ? "East US"
	                          : "us-central1");
}

/* ================================================================ entry */

const char *gen_cloud_name(enum gen_cloud c)
{
	switch (c) {
	case GEN_AWS: return "aws";
	case GEN_AZURE: return "azure";
	case GEN_GCP: return "gcp";
	default: return "unknown";
	}
}

int gen_cloud_parse(const char *s, enum gen_cloud *out)
{
	for (int c = 0; c < GEN_CLOUD__MAX && s != NULL; c++)
		if (strcmp(s, gen_cloud_name((enum gen_cloud)c)) == 0) {
			*out = (enum gen_cloud)c;
			return 0;
		}
	return -1;
}

enum gen_rc gen_generate(struct arena *a, const struct gen_request *rq, struct gen_result *out)
{
	struct gen_need need;
	struct gen_design d, small;
	struct fitter f;
	struct notes s;
	struct gen_out *o;
	int64_t cost, min_cents;
	enum gen_cloud cloud = rq->cloud;

	memset(out, 0, sizeof(*out));
	out->price_date = GEN_PRICE_DATE;
	if (cloud < 0 || cloud >= GEN_CLOUD__MAX)
		cloud = GEN_AWS;
	if (gen_read(a, rq->requirements, &need) < 0)
		return GEN_NOMEM;
	design(&need, cloud, rq->project, &d);

	if ((o = arena_alloc(a, sizeof(*o))) == NULL)
		return GEN_NOMEM;
	memset(o, 0, offsetof(struct gen_out, vbuf));
	o->npc = 0;
	memset(&f, 0, sizeof(f));
	f.o = o;
	f.a = a;
	f.budget = rq->budget;
	f.lb_named = need.pos[F_LB] > 0;

	s.a = a;
	s.n = 0;
	s.fail = false;
	if ((s.v = arena_alloc(a, 24 * sizeof(*s.v))) == NULL)
		return GEN_NOMEM;

	small = d;
	step_down(&f, &small, false);
	min_cents = price(&f, &small);
	out->min_cost = dollars(min_cents);
	if (out->min_cost > rq->budget) {
		assumptions(&s, &need, &d, cloud);
		out->assumptions = s.v;
		out->nassumptions = s.n;
		return f.fail || s.fail ? GEN_NOMEM : GEN_OVER_BUDGET;
	}

	if ((f.warn = arena_alloc(a, 32 * sizeof(*f.warn))) == NULL)
		return GEN_NOMEM;
	step_down(&f, &d, true);
	cost = dollars(price(&f, &d));
	assumptions(&s, &need, &d, cloud);

	/* The real run: the same writer, now with text. */
	o->a = a;
	o->nres = 0;
	o->cents = 0;
	o->fail = false;
	o->depth = 0;
	o->npend = 0;
	o->vlen = 0;
	memset(o->comp_cents, 0, sizeof(o->comp_cents));
	gen_write(o, &d, cost);
	if (o->fail || f.fail || s.fail || o->buf == NULL)
		return GEN_NOMEM;

	struct gen_resource *r = arena_alloc(a, (o->nres ? o->nres : 1) * sizeof(*r));

	if (r == NULL)
		return GEN_NOMEM;
	memcpy(r, o->res, o->nres * sizeof(*r));
	out->hcl = o->buf;
	out->hcl_len = o->len;
	out->cost = dollars(o->cents);
	out->resources = r;
	out->nresources = o->nres;
	out->assumptions = s.v;
	out->nassumptions = s.n;
	out->warnings = f.warn;
	out->nwarnings = f.nwarn;
	return GEN_OK;
}
