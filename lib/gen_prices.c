/* gen_prices.c: the generator's monthly price table, resource types and size ladders. */
#include "config.h"

#include <string.h>

#include "lib/gen_internal.h"

/*
 * On-demand list prices in US cents per month (730 hours) for us-east-1,
 * East US and us-central1, compiled on 2026-11-23 from the providers'
 * public price pages. They are approximate and not live; docs/GENERATOR.md
 * says what usage the unsized items include. Sized entries are keyed by the
 * value of the type's size attribute.
 */
struct price {
	unsigned char cloud;
	const char *type;
	const char *size;
	int64_t cents;
};

static const struct price prices[] = {
	/* AWS EC2, Linux: $/hour x 730 */
	{ GEN_AWS, "aws_instance", "t3.micro", 759 },      /* 0.0104 */
	{ GEN_AWS, "aws_instance", "t3.small", 1518 },     /* 0.0208 */
	{ GEN_AWS, "aws_instance", "t3.medium", 3037 },    /* 0.0416 */
	{ GEN_AWS, "aws_instance", "t3.large", 6074 },     /* 0.0832 */
	{ GEN_AWS, "aws_instance", "m6i.large", 7008 },    /* 0.096 */
	{ GEN_AWS, "aws_instance", "m6i.xlarge", 14016 },  /* 0.192 */
	{ GEN_AWS, "aws_instance", "m6i.2xlarge", 28032 }, /* 0.384 */
	/* RDS single-AZ (PostgreSQL list; MySQL/MariaDB are within a few %) + 20 GB gp3 ($2.30) */
	{ GEN_AWS, "aws_db_instance", "db.t3.micro", 1544 },    /* 0.018 */
	{ GEN_AWS, "aws_db_instance", "db.t3.small", 2858 },    /* 0.036 */
	{ GEN_AWS, "aws_db_instance", "db.t3.medium", 5486 },   /* 0.072 */
	{ GEN_AWS, "aws_db_instance", "db.t3.large", 10815 },   /* 0.145 */
	{ GEN_AWS, "aws_db_instance", "db.m6i.large", 13224 },  /* 0.178 */
	{ GEN_AWS, "aws_db_instance", "db.m6i.xlarge", 26218 }, /* 0.356 */
	{ GEN_AWS, "aws_db_instance", "db.m6i.2xlarge", 52206 },
	/* ElastiCache, per node */
	{ GEN_AWS, "aws_elasticache_replication_group", "cache.t3.micro", 1241 },    /* 0.017 */
	{ GEN_AWS, "aws_elasticache_replication_group", "cache.t3.small", 2482 },    /* 0.034 */
	{ GEN_AWS, "aws_elasticache_replication_group", "cache.t3.medium", 4964 },   /* 0.068 */
	{ GEN_AWS, "aws_elasticache_replication_group", "cache.m6g.large", 10877 },  /* 0.149 */
	{ GEN_AWS, "aws_elasticache_replication_group", "cache.m6g.xlarge", 21681 }, /* 0.297 */
	/* OpenSearch, per data node + 10 GB gp3 ($1.22) */
	{ GEN_AWS, "aws_opensearch_domain", "t3.medium.search", 5451 },   /* 0.073 */
	{ GEN_AWS, "aws_opensearch_domain", "m6g.large.search", 9466 },   /* 0.128 */
	{ GEN_AWS, "aws_opensearch_domain", "r6g.large.search", 12313 },  /* 0.167 */
	{ GEN_AWS, "aws_opensearch_domain", "m6g.xlarge.search", 18810 }, /* 0.256 */
	/* Fixed items */
	{ GEN_AWS, "aws_lb", "", 2227 },                     /* ALB 0.0225/h + 1 LCU 0.008/h */
	{ GEN_AWS, "aws_cloudfront_distribution", "", 525 }, /* 50 GB x 0.085 + 1M HTTPS requests */
	{ GEN_AWS, "aws_s3_bucket", "", 205 },               /* 50 GB x 0.023 + 100k PUT + 1M GET */
	{ GEN_AWS, "aws_sqs_queue", "", 200 },               /* 5M requests x 0.40/M */
	{ GEN_AWS, "aws_eks_cluster", "", 7300 },            /* control plane 0.10/h */
	{ GEN_AWS, "aws_ecr_repository", "", 100 },          /* 10 GB x 0.10 */
	{ GEN_AWS, "aws_lambda_function", "", 187 },         /* 1M requests + 100,000 GB-s */
	{ GEN_AWS, "aws_apigatewayv2_api", "", 100 },        /* HTTP API, 1M requests */
	{ GEN_AWS, "aws_cloudwatch_log_group", "", 250 },    /* 5 GB ingested x 0.50 */
	{ GEN_AWS, "aws_cloudwatch_metric_alarm", "", 10 },
	{ GEN_AWS, "aws_backup_vault", "", 250 }, /* 50 GB warm backup storage x 0.05 */
	{ GEN_AWS, "aws_nat_gateway", "", 3285 }, /* 0.045/h, data processing extra */
	{ GEN_AWS, "aws_eip", "", 365 },
	{ GEN_AWS, "aws_route53_zone", "", 50 },
	{ GEN_AWS, "aws_kms_key", "", 100 },
	{ GEN_AWS, "aws_secretsmanager_secret", "", 40 },

	/* Azure VMs, Linux pay-as-you-go */
	{ GEN_AZURE, "azurerm_linux_virtual_machine", "Standard_B1s", 759 },     /* 0.0104 */
	{ GEN_AZURE, "azurerm_linux_virtual_machine", "Standard_B1ms", 1511 },   /* 0.0207 */
	{ GEN_AZURE, "azurerm_linux_virtual_machine", "Standard_B2s", 3037 },    /* 0.0416 */
	{ GEN_AZURE, "azurerm_linux_virtual_machine", "Standard_B2ms", 6074 },   /* 0.0832 */
	{ GEN_AZURE, "azurerm_linux_virtual_machine", "Standard_D2s_v5", 7008 }, /* 0.096 */
	{ GEN_AZURE, "azurerm_linux_virtual_machine", "Standard_D4s_v5", 14016 },
	{ GEN_AZURE, "azurerm_linux_virtual_machine", "Standard_D8s_v5", 28032 },
	/* PostgreSQL flexible server + 32 GB storage ($3.68) */
	{ GEN_AZURE, "azurerm_postgresql_flexible_server", "B_Standard_B1ms", 1609 }, /* 0.017 */
	{ GEN_AZURE, "azurerm_postgresql_flexible_server", "B_Standard_B2s", 5332 },  /* 0.068 */
	{ GEN_AZURE, "azurerm_postgresql_flexible_server", "GP_Standard_D2s_v3",
	  13362 }, /* 0.178 */
	{ GEN_AZURE, "azurerm_postgresql_flexible_server", "GP_Standard_D4s_v3", 26356 },
	{ GEN_AZURE, "azurerm_postgresql_flexible_server", "GP_Standard_D8s_v3", 52344 },
	/* MySQL flexible server + 20 GB storage ($2.30) */
	{ GEN_AZURE, "azurerm_mysql_flexible_server", "B_Standard_B1ms", 1471 },      /* 0.017 */
	{ GEN_AZURE, "azurerm_mysql_flexible_server", "B_Standard_B2s", 5194 },       /* 0.068 */
	{ GEN_AZURE, "azurerm_mysql_flexible_server", "GP_Standard_D2ds_v4", 12713 }, /* 0.171 */
	{ GEN_AZURE, "azurerm_mysql_flexible_server", "GP_Standard_D4ds_v4", 25196 },
	{ GEN_AZURE, "azurerm_mysql_flexible_server", "GP_Standard_D8ds_v4", 50162 },
	/* Azure SQL Database, DTU model */
	{ GEN_AZURE, "azurerm_mssql_database", "Basic", 490 },
	{ GEN_AZURE, "azurerm_mssql_database", "S0", 1472 },
	{ GEN_AZURE, "azurerm_mssql_database", "S1", 2943 },
	{ GEN_AZURE, "azurerm_mssql_database", "S2", 7358 },
	{ GEN_AZURE, "azurerm_mssql_database", "S3", 14717 },
	/* Azure Cache for Redis: "<sku_name> <family><capacity>"; a bare SKU is its smallest size
	 */
	{ GEN_AZURE, "azurerm_redis_cache", "Basic C0", 1606 },
	{ GEN_AZURE, "azurerm_redis_cache", "Basic C1", 4015 },
	{ GEN_AZURE, "azurerm_redis_cache", "Basic C2", 6570 },
	{ GEN_AZURE, "azurerm_redis_cache", "Basic C3", 13140 },
	{ GEN_AZURE, "azurerm_redis_cache", "Standard C0", 4015 },
	{ GEN_AZURE, "azurerm_redis_cache", "Standard C1", 10074 },
	{ GEN_AZURE, "azurerm_redis_cache", "Standard C2", 16352 },
	{ GEN_AZURE, "azurerm_redis_cache", "Standard C3", 32850 },
	{ GEN_AZURE, "azurerm_redis_cache", "Basic", 1606 },
	{ GEN_AZURE, "azurerm_redis_cache", "Standard", 4015 },
	{ GEN_AZURE, "azurerm_redis_cache", "Premium", 40296 },
	{ GEN_AZURE, "azurerm_search_service", "basic", 7373 },         /* 0.101/h per unit */
	{ GEN_AZURE, "azurerm_search_service", "standard", 24528 },     /* 0.336/h per unit */
	{ GEN_AZURE, "azurerm_servicebus_namespace", "Basic", 50 },     /* 10M operations */
	{ GEN_AZURE, "azurerm_servicebus_namespace", "Standard", 986 }, /* base, 13M ops included */
	{ GEN_AZURE, "azurerm_container_registry", "Basic", 500 },
	{ GEN_AZURE, "azurerm_container_registry", "Standard", 2000 },
	{ GEN_AZURE, "azurerm_service_plan", "Y1", 180 }, /* 1M executions + 100,000 GB-s */
	{ GEN_AZURE, "azurerm_cdn_profile", "Standard_Microsoft", 405 },     /* 50 GB x 0.081 */
	{ GEN_AZURE, "azurerm_log_analytics_workspace", "PerGB2018", 1150 }, /* 5 GB x 2.30 */
	{ GEN_AZURE, "azurerm_storage_account", "",
	  207 },                                     /* 50 GB hot LRS + 100k writes + 1M reads */
	{ GEN_AZURE, "azurerm_public_ip", "", 365 }, /* Standard static 0.005/h */
	{ GEN_AZURE, "azurerm_lb", "", 1825 },       /* Standard, first 5 rules 0.025/h */
	{ GEN_AZURE, "azurerm_private_endpoint", "", 730 }, /* 0.01/h */
	{ GEN_AZURE, "azurerm_private_dns_zone", "", 50 },
	{ GEN_AZURE, "azurerm_monitor_metric_alert", "", 10 },
	{ GEN_AZURE, "azurerm_recovery_services_vault", "", 0 },

	/* GCP Compute Engine, us-central1 */
	{ GEN_GCP, "google_compute_instance", "e2-micro", 611 },        /* 0.008376 */
	{ GEN_GCP, "google_compute_instance", "e2-small", 1223 },       /* 0.016751 */
	{ GEN_GCP, "google_compute_instance", "e2-medium", 2446 },      /* 0.033503 */
	{ GEN_GCP, "google_compute_instance", "e2-standard-2", 4891 },  /* 0.067006 */
	{ GEN_GCP, "google_compute_instance", "e2-standard-4", 9783 },  /* 0.134012 */
	{ GEN_GCP, "google_compute_instance", "n2-standard-4", 14179 }, /* 0.194236 */
	{ GEN_GCP, "google_compute_instance", "n2-standard-8", 28358 },
	/* Cloud SQL Enterprise + 10 GB SSD ($1.70); vCPU 0.0413/h, memory 0.007/GB-h */
	{ GEN_GCP, "google_sql_database_instance", "db-f1-micro", 937 },  /* 0.0105 */
	{ GEN_GCP, "google_sql_database_instance", "db-g1-small", 2725 }, /* 0.035 */
	{ GEN_GCP, "google_sql_database_instance", "db-custom-1-3840", 5101 },
	{ GEN_GCP, "google_sql_database_instance", "db-custom-2-7680", 10032 },
	{ GEN_GCP, "google_sql_database_instance", "db-custom-4-15360", 19895 },
	{ GEN_GCP, "google_sql_database_instance", "db-custom-8-30720", 39619 },
	/* Memorystore for Redis, Basic tier, by memory_size_gb */
	{ GEN_GCP, "google_redis_instance", "1", 3577 },   /* M1 0.049/GB-h */
	{ GEN_GCP, "google_redis_instance", "2", 7154 },   /* M1 */
	{ GEN_GCP, "google_redis_instance", "5", 9855 },   /* M2 0.027/GB-h */
	{ GEN_GCP, "google_redis_instance", "10", 19710 }, /* M2 */
	{ GEN_GCP, "google_compute_backend_service", "", 0 },
	{ GEN_GCP, "google_compute_backend_service", "false", 0 },
	{ GEN_GCP, "google_compute_backend_service", "true", 475 }, /* Cloud CDN on: as below */
	{ GEN_GCP, "google_compute_backend_bucket", "", 475 },      /* 50 GB x 0.08 + 1M lookups */
	{ GEN_GCP, "google_compute_global_forwarding_rule", "", 1825 }, /* 0.025/h */
	{ GEN_GCP, "google_storage_bucket", "",
	  190 },                                    /* 50 GB x 0.020 + 100k class A + 1M class B */
	{ GEN_GCP, "google_pubsub_topic", "", 40 }, /* 10 GiB of messages x $40/TiB */
	{ GEN_GCP, "google_container_cluster", "", 7300 }, /* cluster management fee 0.10/h */
	{ GEN_GCP, "google_artifact_registry_repository", "", 100 }, /* 10 GB x 0.10 */
	{ GEN_GCP, "google_cloudfunctions2_function", "", 160 }, /* 1M invocations, 0.2 s, 256 MB */
	{ GEN_GCP, "google_monitoring_alert_policy", "", 150 },  /* per alerting condition */
	{ GEN_GCP, "google_compute_router_nat", "", 3285 },
};

/*
 * Every resource type the generator knows: its size attribute (NULL if
 * unsized) and, for types billed as another (a launch template runs EC2
 * instances), the type its prices are listed under.
 */
struct type_info {
	unsigned char cloud;
	const char *type;
	const char *size_attr;
	const char *price_as;
};

static const struct type_info types[] = {
	{ GEN_AWS, "aws_vpc", NULL, NULL },
	{ GEN_AWS, "aws_subnet", NULL, NULL },
	{ GEN_AWS, "aws_internet_gateway", NULL, NULL },
	{ GEN_AWS, "aws_route_table", NULL, NULL },
	{ GEN_AWS, "aws_route_table_association", NULL, NULL },
	{ GEN_AWS, "aws_security_group", NULL, NULL },
	{ GEN_AWS, "aws_instance", "instance_type", NULL },
	{ GEN_AWS, "aws_launch_template", "instance_type", "aws_instance" },
	{ GEN_AWS, "aws_autoscaling_group", NULL, NULL },
	{ GEN_AWS, "aws_autoscaling_policy", NULL, NULL },
	{ GEN_AWS, "aws_lb", NULL, NULL },
	{ GEN_AWS, "aws_lb_target_group", NULL, NULL },
	{ GEN_AWS, "aws_lb_listener", NULL, NULL },
	{ GEN_AWS, "aws_db_instance", "instance_class", NULL },
	{ GEN_AWS, "aws_db_subnet_group", NULL, NULL },
	{ GEN_AWS, "aws_elasticache_replication_group", "node_type", NULL },
	{ GEN_AWS, "aws_elasticache_cluster", "node_type", "aws_elasticache_replication_group" },
	{ GEN_AWS, "aws_elasticache_subnet_group", NULL, NULL },
	{ GEN_AWS, "aws_s3_bucket", NULL, NULL },
	{ GEN_AWS, "aws_s3_bucket_public_access_block", NULL, NULL },
	{ GEN_AWS, "aws_s3_bucket_server_side_encryption_configuration", NULL, NULL },
	{ GEN_AWS, "aws_s3_bucket_versioning", NULL, NULL },
	{ GEN_AWS, "aws_s3_bucket_website_configuration", NULL, NULL },
	{ GEN_AWS, "aws_s3_bucket_policy", NULL, NULL },
	{ GEN_AWS, "aws_cloudfront_distribution", NULL, NULL },
	{ GEN_AWS, "aws_cloudfront_origin_access_control", NULL, NULL },
	{ GEN_AWS, "aws_sqs_queue", NULL, NULL },
	{ GEN_AWS, "aws_eks_cluster", NULL, NULL },
	{ GEN_AWS, "aws_eks_node_group", "instance_types", "aws_instance" },
	{ GEN_AWS, "aws_ecr_repository", NULL, NULL },
	{ GEN_AWS, "aws_iam_role", NULL, NULL },
	{ GEN_AWS, "aws_iam_role_policy_attachment", NULL, NULL },
	{ GEN_AWS, "aws_lambda_function", NULL, NULL },
	{ GEN_AWS, "aws_lambda_permission", NULL, NULL },
	{ GEN_AWS, "aws_lambda_event_source_mapping", NULL, NULL },
	{ GEN_AWS, "aws_apigatewayv2_api", NULL, NULL },
	{ GEN_AWS, "aws_apigatewayv2_integration", NULL, NULL },
	{ GEN_AWS, "aws_apigatewayv2_route", NULL, NULL },
	{ GEN_AWS, "aws_apigatewayv2_stage", NULL, NULL },
	{ GEN_AWS, "aws_opensearch_domain", "instance_type", NULL },
	{ GEN_AWS, "aws_cloudwatch_log_group", NULL, NULL },
	{ GEN_AWS, "aws_cloudwatch_metric_alarm", NULL, NULL },
	{ GEN_AWS, "aws_sns_topic", NULL, NULL },
	{ GEN_AWS, "aws_sns_topic_subscription", NULL, NULL },
	{ GEN_AWS, "aws_backup_vault", NULL, NULL },
	{ GEN_AWS, "aws_backup_plan", NULL, NULL },
	{ GEN_AWS, "aws_backup_selection", NULL, NULL },
	{ GEN_AWS, "aws_nat_gateway", NULL, NULL },
	{ GEN_AWS, "aws_eip", NULL, NULL },
	{ GEN_AWS, "aws_route53_zone", NULL, NULL },
	{ GEN_AWS, "aws_acm_certificate", NULL, NULL },
	{ GEN_AWS, "aws_kms_key", NULL, NULL },
	{ GEN_AWS, "aws_secretsmanager_secret", NULL, NULL },

	{ GEN_AZURE, "azurerm_resource_group", NULL, NULL },
	{ GEN_AZURE, "azurerm_virtual_network", NULL, NULL },
	{ GEN_AZURE, "azurerm_subnet", NULL, NULL },
	{ GEN_AZURE, "azurerm_network_security_group", NULL, NULL },
	{ GEN_AZURE, "azurerm_subnet_network_security_group_association", NULL, NULL },
	{ GEN_AZURE, "azurerm_linux_virtual_machine", "size", NULL },
	{ GEN_AZURE, "azurerm_linux_virtual_machine_scale_set", "sku",
	  "azurerm_linux_virtual_machine" },
	{ GEN_AZURE, "azurerm_monitor_autoscale_setting", NULL, NULL },
	{ GEN_AZURE, "azurerm_public_ip", NULL, NULL },
	{ GEN_AZURE, "azurerm_lb", NULL, NULL },
	{ GEN_AZURE, "azurerm_lb_backend_address_pool", NULL, NULL },
	{ GEN_AZURE, "azurerm_lb_probe", NULL, NULL },
	{ GEN_AZURE, "azurerm_lb_rule", NULL, NULL },
	{ GEN_AZURE, "azurerm_lb_outbound_rule", NULL, NULL },
	{ GEN_AZURE, "azurerm_postgresql_flexible_server", "sku_name", NULL },
	{ GEN_AZURE, "azurerm_postgresql_flexible_server_database", NULL, NULL },
	{ GEN_AZURE, "azurerm_mysql_flexible_server", "sku_name", NULL },
	{ GEN_AZURE, "azurerm_mysql_flexible_database", NULL, NULL },
	{ GEN_AZURE, "azurerm_mssql_server", NULL, NULL },
	{ GEN_AZURE, "azurerm_mssql_database", "sku_name", NULL },
	{ GEN_AZURE, "azurerm_private_dns_zone", NULL, NULL },
	{ GEN_AZURE, "azurerm_private_dns_zone_virtual_network_link", NULL, NULL },
	{ GEN_AZURE, "azurerm_private_endpoint", NULL, NULL },
	{ GEN_AZURE, "azurerm_redis_cache", "sku_name", NULL },
	{ GEN_AZURE, "azurerm_storage_account", NULL, NULL },
	{ GEN_AZURE, "azurerm_storage_container", NULL, NULL },
	{ GEN_AZURE, "azurerm_cdn_profile", "sku", NULL },
	{ GEN_AZURE, "azurerm_cdn_endpoint", NULL, NULL },
	{ GEN_AZURE, "azurerm_servicebus_namespace", "sku", NULL },
	{ GEN_AZURE, "azurerm_servicebus_queue", NULL, NULL },
	{ GEN_AZURE, "azurerm_kubernetes_cluster", "vm_size", "azurerm_linux_virtual_machine" },
	{ GEN_AZURE, "azurerm_kubernetes_cluster_node_pool", "vm_size",
	  "azurerm_linux_virtual_machine" },
	{ GEN_AZURE, "azurerm_container_registry", "sku", NULL },
	{ GEN_AZURE, "azurerm_role_assignment", NULL, NULL },
	{ GEN_AZURE, "azurerm_service_plan", "sku_name", NULL },
	{ GEN_AZURE, "azurerm_linux_function_app", NULL, NULL },
	{ GEN_AZURE, "azurerm_search_service", "sku", NULL },
	{ GEN_AZURE, "azurerm_log_analytics_workspace", "sku", NULL },
	{ GEN_AZURE, "azurerm_monitor_action_group", NULL, NULL },
	{ GEN_AZURE, "azurerm_monitor_metric_alert", NULL, NULL },
	{ GEN_AZURE, "azurerm_recovery_services_vault", NULL, NULL },

	{ GEN_GCP, "google_compute_network", NULL, NULL },
	{ GEN_GCP, "google_compute_subnetwork", NULL, NULL },
	{ GEN_GCP, "google_compute_firewall", NULL, NULL },
	{ GEN_GCP, "google_compute_instance", "machine_type", NULL },
	{ GEN_GCP, "google_compute_instance_template", "machine_type", "google_compute_instance" },
	{ GEN_GCP, "google_compute_health_check", NULL, NULL },
	{ GEN_GCP, "google_compute_region_instance_group_manager", NULL, NULL },
	{ GEN_GCP, "google_compute_region_autoscaler", NULL, NULL },
	{ GEN_GCP, "google_compute_global_address", NULL, NULL },
	{ GEN_GCP, "google_compute_backend_service", "enable_cdn", NULL },
	{ GEN_GCP, "google_compute_backend_bucket", NULL, NULL },
	{ GEN_GCP, "google_compute_url_map", NULL, NULL },
	{ GEN_GCP, "google_compute_target_http_proxy", NULL, NULL },
	{ GEN_GCP, "google_compute_global_forwarding_rule", NULL, NULL },
	{ GEN_GCP, "google_compute_router", NULL, NULL },
	{ GEN_GCP, "google_compute_router_nat", NULL, NULL },
	{ GEN_GCP, "google_service_networking_connection", NULL, NULL },
	{ GEN_GCP, "google_sql_database_instance", "tier", NULL },
	{ GEN_GCP, "google_sql_database", NULL, NULL },
	{ GEN_GCP, "google_sql_user", NULL, NULL },
	{ GEN_GCP, "google_redis_instance", "memory_size_gb", NULL },
	{ GEN_GCP, "google_storage_bucket", NULL, NULL },
	{ GEN_GCP, "google_storage_bucket_iam_member", NULL, NULL },
	{ GEN_GCP, "google_storage_bucket_object", NULL, NULL },
	{ GEN_GCP, "google_pubsub_topic", NULL, NULL },
	{ GEN_GCP, "google_pubsub_subscription", NULL, NULL },
	{ GEN_GCP, "google_container_cluster", NULL, NULL },
	{ GEN_GCP, "google_container_node_pool", "machine_type", "google_compute_instance" },
	{ GEN_GCP, "google_artifact_registry_repository", NULL, NULL },
	{ GEN_GCP, "google_cloudfunctions2_function", NULL, NULL },
	{ GEN_GCP, "google_cloud_run_service_iam_member", NULL, NULL },
	{ GEN_GCP, "google_monitoring_notification_channel", NULL, NULL },
	{ GEN_GCP, "google_monitoring_alert_policy", NULL, NULL },
};

#define NELEM(x) (sizeof(x) / sizeof((x)[0]))

static const struct type_info *type_find(enum gen_cloud cloud, const char *type)
{
	if (type == NULL)
		return NULL;
	for (size_t i = 0; i < NELEM(types); i++)
		if (types[i].cloud == cloud && strcmp(types[i].type, type) == 0)
			return &types[i];
	return NULL;
}

/*
 * The monthly price in cents of one `type` of `size` on `cloud`: the table's
 * entry, 0 for a known type that is neither sized nor listed (networks,
 * security groups, IAM), -1 for an unknown type or size.
 */
int64_t gen_price(enum gen_cloud cloud, const char *type, const char *size)
{
	const struct type_info *t = type_find(cloud, type);
	const char *pt;
	bool listed = false;

	if (t == NULL)
		return -1;
	if (size == NULL)
		size = "";
	pt = t->price_as != NULL ? t->price_as : t->type;
	for (size_t i = 0; i < NELEM(prices); i++) {
		if (prices[i].cloud != cloud || strcmp(prices[i].type, pt) != 0)
			continue;
		listed = true;
		if (strcmp(prices[i].size, size) == 0)
			return prices[i].cents;
	}
	return !listed && t->size_attr == NULL && *size == '\0' ? 0 : -1;
}

/* True when `type` is a resource type the generator knows for `cloud`. */
bool gen_known_type(enum gen_cloud cloud, const char *type)
{
	return type_find(cloud, type) != NULL;
}

/* The attribute carrying a type's size, or NULL when unsized or unknown. */
const char *gen_size_attr(enum gen_cloud cloud, const char *type)
{
	const struct type_info *t = type_find(cloud, type);

	return t != NULL ? t->size_attr : NULL;
}

/* ---------------------------------------------------------------- ladders */

#define LADDER(type, arr, ha)                                                                      \
	{                                                                                          \
		type, arr, (int)NELEM(arr), ha                                                     \
	}

static const char *const aws_web[] = { "t3.micro",  "t3.small",   "t3.medium",
	                               "m6i.large", "m6i.xlarge", "m6i.2xlarge" };
static const char *const aws_k8s[] = { "t3.small", "t3.medium", "m6i.large", "m6i.xlarge",
	                               "m6i.2xlarge" };
static const char *const aws_db[] = { "db.t3.micro",  "db.t3.small",   "db.t3.medium",
	                              "db.m6i.large", "db.m6i.xlarge", "db.m6i.2xlarge" };
static const char *const aws_cache[] = { "cache.t3.micro", "cache.t3.small", "cache.t3.medium",
	                                 "cache.m6g.large", "cache.m6g.xlarge" };
static const char *const aws_search[] = { "t3.medium.search", "m6g.large.search",
	                                  "r6g.large.search", "m6g.xlarge.search" };
static const char *const none[] = { "" };

static const char *const az_web[] = { "Standard_B1s",    "Standard_B1ms",   "Standard_B2s",
	                              "Standard_D2s_v5", "Standard_D4s_v5", "Standard_D8s_v5" };
/* AKS system pools need at least 2 vCPUs and 4 GB */
static const char *const az_k8s[] = { "Standard_B2s", "Standard_B2ms", "Standard_D2s_v5",
	                              "Standard_D4s_v5", "Standard_D8s_v5" };
static const char *const az_pg[] = { "B_Standard_B1ms", "B_Standard_B2s", "GP_Standard_D2s_v3",
	                             "GP_Standard_D4s_v3", "GP_Standard_D8s_v3" };
static const char *const az_mysql[] = { "B_Standard_B1ms", "B_Standard_B2s", "GP_Standard_D2ds_v4",
	                                "GP_Standard_D4ds_v4", "GP_Standard_D8ds_v4" };
static const char *const az_mssql[] = { "Basic", "S0", "S1", "S2", "S3" };
static const char *const az_redis[] = { "Basic C0", "Basic C1", "Basic C2", "Basic C3" };
static const char *const az_redis_ha[] = { "Standard C0", "Standard C1", "Standard C2",
	                                   "Standard C3" };
static const char *const az_search[] = { "basic", "standard" };
static const char *const az_bus[] = { "Basic", "Standard" };

static const char *const gcp_web[] = { "e2-micro",      "e2-small",      "e2-medium",
	                               "e2-standard-2", "e2-standard-4", "n2-standard-4",
	                               "n2-standard-8" };
static const char *const gcp_k8s[] = { "e2-medium", "e2-standard-2", "e2-standard-4",
	                               "n2-standard-4", "n2-standard-8" };
static const char *const gcp_db[] = {
	"db-f1-micro",      "db-g1-small",       "db-custom-1-3840",
	"db-custom-2-7680", "db-custom-4-15360", "db-custom-8-30720"
};
/* SQL Server needs dedicated cores */
static const char *const gcp_db_mssql[] = { "db-custom-1-3840", "db-custom-2-7680",
	                                    "db-custom-4-15360", "db-custom-8-30720" };
static const char *const gcp_redis[] = { "1", "2", "5", "10" };
static const char *const gcp_search[] = { "e2-medium", "e2-standard-2", "e2-standard-4",
	                                  "n2-standard-4" };

static const struct gen_ladder l_aws_web = LADDER("aws_launch_template", aws_web, 0);
static const struct gen_ladder l_aws_k8s = LADDER("aws_eks_node_group", aws_k8s, 0);
static const struct gen_ladder l_aws_db = LADDER("aws_db_instance", aws_db, 0);
static const struct gen_ladder l_aws_redis =
        LADDER("aws_elasticache_replication_group", aws_cache, 0);
static const struct gen_ladder l_aws_memcached = LADDER("aws_elasticache_cluster", aws_cache, 0);
static const struct gen_ladder l_aws_search = LADDER("aws_opensearch_domain", aws_search, 0);
static const struct gen_ladder l_aws_queue = LADDER("aws_sqs_queue", none, 0);

static const struct gen_ladder l_az_web =
        LADDER("azurerm_linux_virtual_machine_scale_set", az_web, 0);
static const struct gen_ladder l_az_k8s = LADDER("azurerm_kubernetes_cluster", az_k8s, 0);
/* Burstable servers have no zone-redundant HA: HA starts at General Purpose */
static const struct gen_ladder l_az_pg = LADDER("azurerm_postgresql_flexible_server", az_pg, 2);
static const struct gen_ladder l_az_mysql = LADDER("azurerm_mysql_flexible_server", az_mysql, 2);
static const struct gen_ladder l_az_mssql = LADDER("azurerm_mssql_database", az_mssql, 0);
static const struct gen_ladder l_az_redis = LADDER("azurerm_redis_cache", az_redis, 0);
static const struct gen_ladder l_az_redis_ha = LADDER("azurerm_redis_cache", az_redis_ha, 0);
static const struct gen_ladder l_az_search = LADDER("azurerm_search_service", az_search, 0);
static const struct gen_ladder l_az_queue = LADDER("azurerm_servicebus_namespace", az_bus, 0);

static const struct gen_ladder l_gcp_web = LADDER("google_compute_instance_template", gcp_web, 0);
static const struct gen_ladder l_gcp_k8s = LADDER("google_container_node_pool", gcp_k8s, 0);
/* Shared-core Cloud SQL tiers have no SLA: HA starts at dedicated cores */
static const struct gen_ladder l_gcp_db = LADDER("google_sql_database_instance", gcp_db, 2);
static const struct gen_ladder l_gcp_db_mssql =
        LADDER("google_sql_database_instance", gcp_db_mssql, 0);
static const struct gen_ladder l_gcp_redis = LADDER("google_redis_instance", gcp_redis, 0);
static const struct gen_ladder l_gcp_search = LADDER("google_compute_instance", gcp_search, 0);
static const struct gen_ladder l_gcp_queue = LADDER("google_pubsub_topic", none, 0);

const struct gen_ladder *gen_ladder(enum gen_cloud c, enum gen_ladder_id l, int variant, bool ha)
{
	switch (c) {
	case GEN_AWS:
		switch (l) {
		case GEN_L_WEB: return &l_aws_web;
		case GEN_L_K8S: return &l_aws_k8s;
		case GEN_L_DB: return &l_aws_db;
		case GEN_L_CACHE:
			return variant == GEN_CACHE_MEMCACHED ? &l_aws_memcached : &l_aws_redis;
		case GEN_L_SEARCH: return &l_aws_search;
		default: return &l_aws_queue;
		}
	case GEN_AZURE:
		switch (l) {
		case GEN_L_WEB: return &l_az_web;
		case GEN_L_K8S: return &l_az_k8s;
		case GEN_L_DB:
			if (variant == GEN_DB_MSSQL)
				return &l_az_mssql;
			return variant == GEN_DB_POSTGRES ? &l_az_pg : &l_az_mysql;
		case GEN_L_CACHE: return ha ? &l_az_redis_ha : &l_az_redis;
		case GEN_L_SEARCH: return &l_az_search;
		default: return &l_az_queue;
		}
	default:
		switch (l) {
		case GEN_L_WEB: return &l_gcp_web;
		case GEN_L_K8S: return &l_gcp_k8s;
		case GEN_L_DB: return variant == GEN_DB_MSSQL ? &l_gcp_db_mssql : &l_gcp_db;
		case GEN_L_CACHE: return &l_gcp_redis;
		case GEN_L_SEARCH: return &l_gcp_search;
		default: return &l_gcp_queue;
		}
	}
}
