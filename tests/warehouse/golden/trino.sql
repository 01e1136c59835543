-- value_diff
SELECT
  (
    SELECT
      COUNT(*)
    FROM "analytics"."dbt_base"."order ""items"" 客户" AS b
  ) AS base_rows,
  (
    SELECT
      COUNT(*)
    FROM "analytics"."dbt_current"."order ""items"" 客户" AS c
  ) AS current_rows,
  COALESCE(SUM(CASE WHEN p_b = 1 AND p_c = 1 THEN 1 ELSE 0 END), 0) AS in_both,
  COALESCE(SUM(CASE WHEN p_b = 1 AND p_c = 0 THEN 1 ELSE 0 END), 0) AS removed,
  COALESCE(SUM(CASE WHEN p_b = 0 AND p_c = 1 THEN 1 ELSE 0 END), 0) AS added,
  COALESCE(
    SUM(
      CASE
        WHEN (
          p_b = 1 AND p_c = 1
        ) AND 0 + d_0 + d_1 + d_2 + d_3 + d_4 > 0
        THEN 1
        ELSE 0
      END
    ),
    0
  ) AS changed,
  COUNT(DISTINCT CASE WHEN p_b = 1 AND p_c = 0 THEN k_b_0 END) AS removed_keys,
  COUNT(DISTINCT CASE WHEN p_b = 0 AND p_c = 1 THEN k_c_0 END) AS added_keys,
  MIN(CASE WHEN p_b = 0 AND p_c = 1 THEN k_c_0 END) AS added_min_key,
  MAX(CASE WHEN p_b = 0 AND p_c = 1 THEN k_c_0 END) AS added_max_key,
  MIN(CASE WHEN p_b = 1 AND p_c = 0 THEN k_b_0 END) AS removed_min_key,
  MAX(CASE WHEN p_b = 1 AND p_c = 0 THEN k_b_0 END) AS removed_max_key,
  MIN(
    CASE
      WHEN (
        p_b = 1 AND p_c = 1
      ) AND 0 + d_0 + d_1 + d_2 + d_3 + d_4 > 0
      THEN k_b_0
    END
  ) AS changed_min_key,
  MAX(
    CASE
      WHEN (
        p_b = 1 AND p_c = 1
      ) AND 0 + d_0 + d_1 + d_2 + d_3 + d_4 > 0
      THEN k_b_0
    END
  ) AS changed_max_key,
  COALESCE(SUM(d_0), 0) AS mismatched_0,
  MIN(CASE WHEN d_0 = 1 THEN k_b_0 END) AS example_key_0,
  COALESCE(SUM(d_1), 0) AS mismatched_1,
  MIN(CASE WHEN d_1 = 1 THEN k_b_0 END) AS example_key_1,
  COALESCE(SUM(d_2), 0) AS mismatched_2,
  MIN(CASE WHEN d_2 = 1 THEN k_b_0 END) AS example_key_2,
  COALESCE(SUM(d_3), 0) AS mismatched_3,
  MIN(CASE WHEN d_3 = 1 THEN k_b_0 END) AS example_key_3,
  COALESCE(SUM(d_4), 0) AS mismatched_4,
  MIN(CASE WHEN d_4 = 1 THEN k_b_0 END) AS example_key_4
FROM (
  SELECT
    CASE WHEN NOT b."OrderID" IS NULL THEN 1 ELSE 0 END AS p_b,
    CASE WHEN NOT c."OrderID" IS NULL THEN 1 ELSE 0 END AS p_c,
    b."OrderID" AS k_b_0,
    c."OrderID" AS k_c_0,
    CASE
      WHEN (
        NOT b."OrderID" IS NULL AND NOT c."OrderID" IS NULL
      )
      AND NOT (
        (
          CAST(b."1st_value" AS BIGINT) IS NULL AND CAST(c."1st_value" AS BIGINT) IS NULL
        )
        OR (
          NOT CAST(b."1st_value" AS BIGINT) IS NULL
          AND NOT CAST(c."1st_value" AS BIGINT) IS NULL
          AND (
            CAST(b."1st_value" AS BIGINT) = CAST(c."1st_value" AS BIGINT)
            OR ABS(
              CAST(CAST(b."1st_value" AS BIGINT) AS DOUBLE) - CAST(CAST(c."1st_value" AS BIGINT) AS DOUBLE)
            ) <= 0.01
          )
        )
      )
      THEN 1
      ELSE 0
    END AS d_0,
    CASE
      WHEN (
        NOT b."OrderID" IS NULL AND NOT c."OrderID" IS NULL
      )
      AND NOT (
        (
          CAST(b."prix_€" AS DOUBLE) IS NULL AND CAST(c."prix_€" AS DOUBLE) IS NULL
        )
        OR (
          NOT CAST(b."prix_€" AS DOUBLE) IS NULL
          AND NOT CAST(c."prix_€" AS DOUBLE) IS NULL
          AND (
            CAST(b."prix_€" AS DOUBLE) = CAST(c."prix_€" AS DOUBLE)
            OR ABS(
              CAST(CAST(b."prix_€" AS DOUBLE) AS DOUBLE) - CAST(CAST(c."prix_€" AS DOUBLE) AS DOUBLE)
            ) <= 0.01
          )
        )
      )
      THEN 1
      ELSE 0
    END AS d_1,
    CASE
      WHEN (
        NOT b."OrderID" IS NULL AND NOT c."OrderID" IS NULL
      )
      AND NOT b."客户" IS NOT DISTINCT FROM c."客户"
      THEN 1
      ELSE 0
    END AS d_2,
    CASE
      WHEN (
        NOT b."OrderID" IS NULL AND NOT c."OrderID" IS NULL
      )
      AND NOT b."a b" IS NOT DISTINCT FROM c."a b"
      THEN 1
      ELSE 0
    END AS d_3,
    CASE
      WHEN (
        NOT b."OrderID" IS NULL AND NOT c."OrderID" IS NULL
      )
      AND NOT b."say ""hi""" IS NOT DISTINCT FROM c."say ""hi"""
      THEN 1
      ELSE 0
    END AS d_4
  FROM "analytics"."dbt_base"."order ""items"" 客户" AS b
  FULL OUTER JOIN "analytics"."dbt_current"."order ""items"" 客户" AS c
    ON b."OrderID" = c."OrderID"
) AS f;

-- profile_exact
SELECT
  COUNT(*) AS row_count,
  COUNT("OrderID") AS c0_non_null,
  COUNT(DISTINCT "OrderID") AS c0_distinct,
  CAST(MIN("OrderID") AS VARCHAR) AS c0_min,
  CAST(MAX("OrderID") AS VARCHAR) AS c0_max,
  AVG("OrderID") AS c0_avg,
  NULL AS c0_median,
  COUNT("1st_value") AS c1_non_null,
  COUNT(DISTINCT "1st_value") AS c1_distinct,
  CAST(MIN("1st_value") AS VARCHAR) AS c1_min,
  CAST(MAX("1st_value") AS VARCHAR) AS c1_max,
  AVG("1st_value") AS c1_avg,
  NULL AS c1_median,
  COUNT("prix_€") AS c2_non_null,
  COUNT(DISTINCT "prix_€") AS c2_distinct,
  CAST(MIN("prix_€") AS VARCHAR) AS c2_min,
  CAST(MAX("prix_€") AS VARCHAR) AS c2_max,
  AVG("prix_€") AS c2_avg,
  NULL AS c2_median,
  COUNT("客户") AS c3_non_null,
  COUNT(DISTINCT "客户") AS c3_distinct,
  CAST(MIN("客户") AS VARCHAR) AS c3_min,
  CAST(MAX("客户") AS VARCHAR) AS c3_max,
  NULL AS c3_avg,
  NULL AS c3_median,
  COUNT("a b") AS c4_non_null,
  COUNT(DISTINCT "a b") AS c4_distinct,
  CAST(MIN("a b") AS VARCHAR) AS c4_min,
  CAST(MAX("a b") AS VARCHAR) AS c4_max,
  NULL AS c4_avg,
  NULL AS c4_median,
  COUNT("say ""hi""") AS c5_non_null,
  COUNT(DISTINCT "say ""hi""") AS c5_distinct,
  CAST(MIN("say ""hi""") AS VARCHAR) AS c5_min,
  CAST(MAX("say ""hi""") AS VARCHAR) AS c5_max,
  NULL AS c5_avg,
  NULL AS c5_median
FROM "analytics"."dbt_base"."order ""items"" 客户" AS b;

-- profile_approx
SELECT
  COUNT(*) AS row_count,
  COUNT("OrderID") AS c0_non_null,
  APPROX_DISTINCT("OrderID") AS c0_distinct,
  CAST(MIN("OrderID") AS VARCHAR) AS c0_min,
  CAST(MAX("OrderID") AS VARCHAR) AS c0_max,
  AVG("OrderID") AS c0_avg,
  APPROX_PERCENTILE("OrderID", 0.5) AS c0_median,
  COUNT("1st_value") AS c1_non_null,
  APPROX_DISTINCT("1st_value") AS c1_distinct,
  CAST(MIN("1st_value") AS VARCHAR) AS c1_min,
  CAST(MAX("1st_value") AS VARCHAR) AS c1_max,
  AVG("1st_value") AS c1_avg,
  APPROX_PERCENTILE("1st_value", 0.5) AS c1_median,
  COUNT("prix_€") AS c2_non_null,
  APPROX_DISTINCT("prix_€") AS c2_distinct,
  CAST(MIN("prix_€") AS VARCHAR) AS c2_min,
  CAST(MAX("prix_€") AS VARCHAR) AS c2_max,
  AVG("prix_€") AS c2_avg,
  APPROX_PERCENTILE("prix_€", 0.5) AS c2_median,
  COUNT("客户") AS c3_non_null,
  APPROX_DISTINCT("客户") AS c3_distinct,
  CAST(MIN("客户") AS VARCHAR) AS c3_min,
  CAST(MAX("客户") AS VARCHAR) AS c3_max,
  NULL AS c3_avg,
  NULL AS c3_median,
  COUNT("a b") AS c4_non_null,
  APPROX_DISTINCT("a b") AS c4_distinct,
  CAST(MIN("a b") AS VARCHAR) AS c4_min,
  CAST(MAX("a b") AS VARCHAR) AS c4_max,
  NULL AS c4_avg,
  NULL AS c4_median,
  COUNT("say ""hi""") AS c5_non_null,
  APPROX_DISTINCT("say ""hi""") AS c5_distinct,
  CAST(MIN("say ""hi""") AS VARCHAR) AS c5_min,
  CAST(MAX("say ""hi""") AS VARCHAR) AS c5_max,
  NULL AS c5_avg,
  NULL AS c5_median
FROM "analytics"."dbt_base"."order ""items"" 客户" AS b;
