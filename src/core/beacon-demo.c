/* SPDX-License-Identifier: GPL-3.0-or-later */
#define G_LOG_DOMAIN "beacon-demo"

#include "config.h"

#include <glib/gi18n-lib.h>

#include "beacon-archive.h"
#include "beacon-demo.h"
#include "beacon-store-private.h"

/*
 * Demo data that looks like a real service centre's: customers with
 * Chinese names, their stations, systems and contacts, the centre's own
 * people, and tickets of every kind, level and stage whose histories follow
 * the service plan in time (an acknowledgement after acceptance, arrival
 * after dispatch, …) and never lie in the future.
 */

#define MINUTE 60
#define HOUR   (60 * MINUTE)
#define DAY    (24 * HOUR)

typedef struct
{
  const char *name;
  const char *code;
  const char *sites[5];
} DemoCustomer;

static const DemoCustomer demo_customers[] = {
  { "佛山市应急管理局", "FS", { "禅城区应急广播站", "南海区分中心", "顺德区中心机房", "三水区前端站", "高明区播控中心" } },
  { "广州市应急广播中心", "GZ", { "天河区播控中心", "越秀区前端站", "番禺区分中心", "白云区机房", NULL } },
  { "深圳市广播电视台", "SZ", { "福田区总台机房", "南山区分台", "龙岗区前端站", NULL } },
  { "珠海市应急管理局", "ZH", { "香洲区中心机房", "斗门区前端站", "金湾区分中心", NULL } },
  { "江门市融媒体中心", "JM", { "蓬江区播控中心", "新会区前端站", "台山市分中心", "开平市机房", NULL } },
  { "肇庆市应急广播中心", "ZQ", { "端州区中心机房", "四会市前端站", "高要区分中心", NULL } },
  { "中山市应急管理局", "ZS", { "石岐街道机房", "小榄镇前端站", "火炬开发区分中心", NULL } },
  { "东莞市广播电视台", "DG", { "南城街道总机房", "长安镇前端站", "虎门镇分中心", "松山湖播控中心", NULL } },
  { "惠州市应急广播中心", "HZ", { "惠城区中心机房", "惠阳区前端站", "博罗县分中心", NULL } },
  { "清远市应急管理局", "QY", { "清城区播控中心", "英德市前端站", "连州市分中心", NULL } },
  { "韶关市融媒体中心", "SG", { "浈江区中心机房", "乐昌市前端站", "南雄市分中心", NULL } },
  { "湛江市应急广播中心", "ZJ", { "赤坎区播控中心", "霞山区前端站", "雷州市分中心", "廉江市机房", NULL } },
  { "茂名市应急管理局", "MM", { "茂南区中心机房", "高州市前端站", "信宜市分中心", NULL } },
  { "汕头市广播电视台", "ST", { "金平区总台机房", "龙湖区前端站", "潮阳区分中心", NULL } },
  { "梅州市应急广播中心", "MZ", { "梅江区播控中心", "兴宁市前端站", "五华县分中心", NULL } },
  { "阳江市应急管理局", "YJ", { "江城区中心机房", "阳春市前端站", NULL } },
  { "河源市融媒体中心", "HY", { "源城区播控中心", "龙川县前端站", "紫金县分中心", NULL } },
  { "云浮市应急广播中心", "YF", { "云城区中心机房", "罗定市前端站", NULL } },
  { "潮州市应急管理局", "CZ", { "湘桥区播控中心", "潮安区前端站", NULL } },
  { "揭阳市广播电视台", "JY", { "榕城区总台机房", "普宁市前端站", "揭西县分中心", NULL } },
  { "汕尾市应急广播中心", "SW", { "城区中心机房", "陆丰市前端站", "海丰县分中心", NULL } },
  { "广东省应急管理厅", "GD", { "省级应急广播平台机房", "省应急指挥中心", "灾备中心", NULL } },
};

static const struct
{
  const char *name;
  const char *model;
  const char *params;
} demo_systems[] = {
  { "应急广播平台主服务器", "HW 2288H V6", "{\"IP\":\"10.%d.1.10\",\"OS\":\"Kylin V10\",\"Version\":\"EBP 3.2.1\",\"CPU\":\"2×16 核\",\"Memory\":\"256 GB\"}" },
  { "播发调度服务器", "HW 2288H V5", "{\"IP\":\"10.%d.1.11\",\"OS\":\"UOS 20\",\"Version\":\"Dispatch 2.8\"}" },
  { "数据库服务器", "Inspur NF5280M6", "{\"IP\":\"10.%d.1.12\",\"Database\":\"DM8\",\"Backup\":\"每日 02:00 全量\"}" },
  { "存储阵列", "OceanStor 5310", "{\"Capacity\":\"96 TB\",\"RAID\":\"RAID 6\",\"Firmware\":\"V500R007\"}" },
  { "核心交换机", "S6730-H48X6C", "{\"IP\":\"10.%d.0.1\",\"Firmware\":\"V200R021\"}" },
  { "音频编码器", "EBA-E200", "{\"Channels\":\"8\",\"Firmware\":\"1.4.7\"}" },
  { "适配器与终端管理系统", "EBT-M100", "{\"Terminals\":\"1260\",\"Version\":\"4.1\"}" },
};

static const struct
{
  const char *name;
  BeaconRole  role;
} demo_people[] = {
  { "陈静", BEACON_ROLE_OPERATOR },
  { "林晓燕", BEACON_ROLE_OPERATOR },
  { "何丽", BEACON_ROLE_OPERATOR },
  { "张伟", BEACON_ROLE_ENGINEER },
  { "王磊", BEACON_ROLE_ENGINEER },
  { "李强", BEACON_ROLE_ENGINEER },
  { "刘洋", BEACON_ROLE_ENGINEER },
  { "杨帆", BEACON_ROLE_ENGINEER },
  { "黄涛", BEACON_ROLE_ENGINEER },
  { "周杰", BEACON_ROLE_ENGINEER },
  { "吴昊", BEACON_ROLE_ENGINEER },
  { "赵敏", BEACON_ROLE_SUPERVISOR },
  { "郑国华", BEACON_ROLE_SUPERVISOR },
  { "孙志远", BEACON_ROLE_ADMIN },
};

static const char * const surnames = "王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭曾";
static const char * const given_names[] = {
  "建国", "志强", "秀英", "海燕", "文博", "子豪", "佳怡", "振华", "丽娟", "明辉",
  "晓东", "国庆", "春梅", "立新", "宏伟", "雪梅", "俊杰", "淑芬", "永红", "德胜",
};

static const char * const contact_titles[] = { "科长", "主任", "值班员", "技术员", "副主任" };

typedef struct
{
  int         level;
  const char *summary;
  const char *symptoms;
} DemoFault;

static const DemoFault demo_faults[] = {
  { 1, "应急广播平台主服务器宕机，重启后仍无法正常工作", "主服务器无响应，重启两次后业务进程仍无法启动，播发业务全部中断。" },
  { 1, "播发数据库数据损毁", "数据库启动报错，部分播发记录表损坏，无法下发新的播发任务。" },
  { 1, "调度系统挂起，关键业务中断超过30分钟", "调度服务无响应，操作界面卡死，关键播发业务中断约 40 分钟。" },
  { 1, "全市终端无法接收应急广播", "平台显示下发成功，但各区县终端均未响应，疑似核心链路故障。" },
  { 2, "终端故障告警功能失效", "终端离线后平台不再产生告警，值班人员无法及时发现故障终端。" },
  { 2, "24小时内累计中断超过1小时", "音频编码器间歇性中断，过去 24 小时累计中断约 75 分钟。" },
  { 2, "监测诊断功能丧失", "平台监测模块无法读取终端状态，诊断页面报错。" },
  { 2, "播发容量统计功能降低", "容量统计报表数据明显偏低，与实际播发量不符。" },
  { 3, "部分终端音频质量下降", "南部片区约 30 个终端播放有杂音，其余终端正常。" },
  { 3, "系统响应变慢，部分功能退化", "制作播发任务时页面响应超过 10 秒，其余功能可用。" },
  { 3, "存储阵列一块硬盘告警", "存储阵列 3 号槽位硬盘预警，阵列降级运行，业务未受影响。" },
  { 4, "系统日志已满", "系统分区日志占满 95%，需要清理并调整日志轮转策略。" },
  { 4, "备份任务异常", "夜间全量备份任务失败两次，备份日志提示连接超时。" },
  { 4, "存储空间增长过快", "近一个月存储使用量增长 15%，需评估扩容。" },
  { 4, "操作咨询：如何导出播发记录", "用户询问按月份导出播发记录并生成统计报表的方法。" },
};

static const struct
{
  BeaconTicketKind  kind;
  const char       *summary;
} demo_services[] = {
  { BEACON_KIND_CONSULTING, "咨询：终端分组策略如何配置" },
  { BEACON_KIND_CONSULTING, "咨询：播发审批流程调整" },
  { BEACON_KIND_INSPECTION, "季度系统巡检" },
  { BEACON_KIND_INSPECTION, "年度全面巡检" },
  { BEACON_KIND_CHECK, "性能与配置检查" },
  { BEACON_KIND_UPGRADE, "平台升级至 EBP 3.3 并迁移历史数据" },
  { BEACON_KIND_DRILL, "备份恢复演练" },
  { BEACON_KIND_TRAINING, "新任值班人员操作培训" },
  { BEACON_KIND_FOLLOW_UP, "月度回访" },
};

static const char * const channels[] = { "phone", "phone", "phone", "email", "fax", "alarm" };

static const char * const action_notes[] = {
  "检查服务器硬件指示灯及系统日志",
  "远程登录确认进程状态，收集诊断信息",
  "更换故障硬盘并重建阵列",
  "重启调度服务后观察运行状态",
  "回滚至上一版本配置",
  "与产品负责人电话会商处理方案",
  "清理日志并调整轮转策略",
  "核对网络链路，更换光模块",
};

typedef struct
{
  BeaconStore *store;
  GRand       *rand;
  gint64       now;
  GPtrArray   *customers;   /* BeaconCustomer */
  GPtrArray   *engineer_ids;
  GPtrArray   *operator_ids;
  GPtrArray   *supervisor_ids;
} Demo;

static int
pick (Demo *demo,
      int   n)
{
  return g_rand_int_range (demo->rand, 0, n);
}

static gint64
between (Demo   *demo,
         gint64  low,
         gint64  high)
{
  if (high <= low)
    return low;
  return low + (gint64) (g_rand_double (demo->rand) * (double) (high - low));
}

static char *
make_person_name (Demo *demo)
{
  glong n_surnames = g_utf8_strlen (surnames, -1);
  const char *start = g_utf8_offset_to_pointer (surnames, pick (demo, n_surnames));
  const char *end = g_utf8_next_char (start);
  g_autofree char *surname = g_strndup (start, end - start);

  return g_strconcat (surname, given_names[pick (demo, G_N_ELEMENTS (given_names))], NULL);
}

static gboolean
create_archive (Demo    *demo,
                GError **error)
{
  for (guint i = 0; i < G_N_ELEMENTS (demo_people); i++)
    {
      g_autofree char *phone = g_strdup_printf ("139%08d", pick (demo, 100000000));
      g_autoptr(BeaconUser) existing = beacon_store_find_user (demo->store, demo_people[i].name, NULL);
      char *id;

      id = existing ? g_strdup (existing->id)
                    : beacon_store_add_user (demo->store, demo_people[i].name,
                                             demo_people[i].role, phone, error);
      if (id == NULL)
        return FALSE;

      switch (demo_people[i].role)
        {
        case BEACON_ROLE_OPERATOR:   g_ptr_array_add (demo->operator_ids, id);   break;
        case BEACON_ROLE_ENGINEER:   g_ptr_array_add (demo->engineer_ids, id);   break;
        case BEACON_ROLE_SUPERVISOR: g_ptr_array_add (demo->supervisor_ids, id); break;
        default:                     g_free (id);                                break;
        }
    }

  for (guint i = 0; i < G_N_ELEMENTS (demo_customers); i++)
    {
      const DemoCustomer *dc = &demo_customers[i];
      g_autoptr(BeaconCustomer) existing = beacon_store_find_customer (demo->store, dc->name, NULL);
      g_autofree char *customer_id = NULL;
      BeaconCustomer *customer;

      if (existing != NULL)
        {
          g_ptr_array_add (demo->customers, g_steal_pointer (&existing));
          continue;
        }

      customer_id = beacon_store_add_customer (demo->store, dc->name, dc->code, error);
      if (customer_id == NULL)
        return FALSE;

      for (guint j = 0; j < G_N_ELEMENTS (dc->sites) && dc->sites[j] != NULL; j++)
        {
          g_autofree char *site_id = beacon_store_add_site (demo->store, customer_id, dc->sites[j],
                                                            NULL, error);
          g_autofree char *person = make_person_name (demo);
          g_autofree char *contact = NULL;
          g_autofree char *phone = NULL;
          g_autofree char *contact_id = NULL;

          if (site_id == NULL)
            return FALSE;

          contact = g_strdup_printf ("%s（%s）", person,
                                     contact_titles[pick (demo, G_N_ELEMENTS (contact_titles))]);
          phone = g_strdup_printf ("13%d%08d", 5 + pick (demo, 5), pick (demo, 100000000));
          contact_id = beacon_store_add_contact (demo->store, customer_id, site_id, contact,
                                                 phone, error);
          if (contact_id == NULL)
            return FALSE;

          for (guint k = 0; k < G_N_ELEMENTS (demo_systems); k++)
            {
              g_autofree char *params = NULL;
              g_autofree char *system_id = NULL;

              /* Not every station has every kind of equipment. */
              if (j > 0 && k > 0 && pick (demo, 3) == 0)
                continue;

              params = g_strdup_printf (demo_systems[k].params, 10 + (int) i * 8 + (int) j);
              system_id = beacon_store_add_system (demo->store, customer_id, site_id,
                                                   demo_systems[k].name, demo_systems[k].model,
                                                   params, error);
              if (system_id == NULL)
                return FALSE;
            }
        }

      customer = beacon_store_find_customer (demo->store, customer_id, error);
      if (customer == NULL)
        return FALSE;
      g_ptr_array_add (demo->customers, customer);
    }

  return TRUE;
}

typedef struct
{
  BeaconEventType  type;
  gint64           at;
  const char      *note;
  int              level;
} Step;

/* The events a ticket goes through, in order and in time, up to @stage. */
static GArray *
plan_history (Demo             *demo,
              BeaconTicketKind  kind,
              int               level,
              gint64            accepted_at,
              BeaconStage       stage)
{
  GArray *steps = g_array_new (FALSE, TRUE, sizeof (Step));
  gint64 t = accepted_at;
  Step step = { 0 };

#define ADD(event_type, delay_low, delay_high, text) \
  G_STMT_START { \
    t += between (demo, (delay_low), (delay_high)); \
    step = (Step) { (event_type), t, (text), 0 }; \
    g_array_append_val (steps, step); \
  } G_STMT_END

  if (stage == BEACON_STAGE_NEW)
    return steps;

  if (kind != BEACON_KIND_FAULT)
    {
      ADD (BEACON_EVENT_ACKNOWLEDGED, 2 * MINUTE, 25 * MINUTE, NULL);
      if (stage == BEACON_STAGE_RESPONDING)
        return steps;
      if (kind != BEACON_KIND_CONSULTING && kind != BEACON_KIND_FOLLOW_UP)
        {
          ADD (BEACON_EVENT_DISPATCHED, 1 * DAY, 5 * DAY, NULL);
          ADD (BEACON_EVENT_ARRIVED, 1 * HOUR, 4 * HOUR, NULL);
          if (stage == BEACON_STAGE_ON_SITE)
            return steps;
        }
      ADD (BEACON_EVENT_SOLUTION_PROVIDED, 1 * HOUR, 2 * DAY, "已提交服务报告");
      if (stage != BEACON_STAGE_CLOSED)
        return steps;
      ADD (BEACON_EVENT_CLOSED, 1 * HOUR, 3 * DAY, NULL);
      return steps;
    }

  ADD (BEACON_EVENT_VALIDATED, 1 * MINUTE, 5 * MINUTE, NULL);
  /* Now and then the phone response is late: the board must show it. */
  ADD (BEACON_EVENT_ACKNOWLEDGED, 2 * MINUTE, pick (demo, 10) == 0 ? 40 * MINUTE : 15 * MINUTE, NULL);
  if (level <= 3)
    ADD (BEACON_EVENT_REMOTE_CONNECTED, 3 * MINUTE, 20 * MINUTE, "已远程接入，收集诊断信息");
  if (level == 4)
    ADD (BEACON_EVENT_EXPERT_ENGAGED, 5 * MINUTE, 40 * MINUTE, NULL);
  if (stage == BEACON_STAGE_RESPONDING)
    return steps;

  ADD (BEACON_EVENT_DISPATCHED, 5 * MINUTE, 30 * MINUTE, NULL);
  ADD (BEACON_EVENT_ARRIVED, 40 * MINUTE, 3 * HOUR, NULL);
  ADD (BEACON_EVENT_REPAIR_STARTED, 5 * MINUTE, 20 * MINUTE, NULL);
  ADD (BEACON_EVENT_ACTION, 10 * MINUTE, 40 * MINUTE,
       action_notes[pick (demo, G_N_ELEMENTS (action_notes))]);
  if (level <= 2)
    {
      ADD (BEACON_EVENT_STATUS_UPDATE, 20 * MINUTE, 55 * MINUTE, "已向用户通报处理进展");
      if (pick (demo, 3) == 0)
        {
          ADD (BEACON_EVENT_APPROVAL_REQUESTED, 5 * MINUTE, 15 * MINUTE, "申请重启主服务器");
          ADD (BEACON_EVENT_APPROVAL_GRANTED, 5 * MINUTE, 20 * MINUTE, "用户维护部门同意重启");
        }
    }
  if (level >= 2 && pick (demo, 30) == 0)
    {
      t += between (demo, 10 * MINUTE, 30 * MINUTE);
      step = (Step) { BEACON_EVENT_LEVEL_CHANGED, t, "恢复超时，故障级别自动升级", level - 1 };
      g_array_append_val (steps, step);
    }
  if (stage == BEACON_STAGE_ON_SITE)
    return steps;

  ADD (BEACON_EVENT_RECOVERED, 20 * MINUTE, level == 1 ? 2 * HOUR : 6 * HOUR, "系统恢复正常运行");
  if (stage == BEACON_STAGE_RECOVERED)
    return steps;

  ADD (BEACON_EVENT_SOLUTION_PROVIDED, 4 * HOUR, 3 * DAY, "已提交解决方案");
  if (level <= 3)
    ADD (BEACON_EVENT_ANALYSIS_DELIVERED, 2 * HOUR, 2 * DAY, "已提交故障分析报告");
  if (stage == BEACON_STAGE_REPORTING)
    return steps;

  ADD (BEACON_EVENT_CLOSED, 1 * HOUR, 2 * DAY, NULL);
  return steps;

#undef ADD
}

static BeaconStage
pick_open_stage (Demo   *demo,
                 gint64 *out_age)
{
  static const struct { BeaconStage stage; gint64 min_age; gint64 max_age; } open_stages[] = {
    { BEACON_STAGE_NEW,        2 * MINUTE, 35 * MINUTE },
    { BEACON_STAGE_RESPONDING, 30 * MINUTE, 5 * HOUR },
    { BEACON_STAGE_ON_SITE,    5 * HOUR, 30 * HOUR },
    { BEACON_STAGE_RECOVERED,  12 * HOUR, 4 * DAY },
    { BEACON_STAGE_REPORTING,  4 * DAY, 12 * DAY },
  };
  guint i = pick (demo, G_N_ELEMENTS (open_stages));

  *out_age = between (demo, open_stages[i].min_age, open_stages[i].max_age);
  return open_stages[i].stage;
}

static gboolean
create_ticket (Demo    *demo,
               gboolean open,
               GError **error)
{
  BeaconCustomer *customer = g_ptr_array_index (demo->customers, pick (demo, demo->customers->len));
  BeaconSite *site = g_ptr_array_index (customer->sites, pick (demo, customer->sites->len));
  BeaconTicketDraft draft = { 0 };
  g_autoptr(GArray) steps = NULL;
  g_autoptr(JsonNode) assignees = NULL;
  g_autofree char *ticket_id = NULL;
  g_autoptr(JsonArray) array = json_array_new ();
  const char *engineer;
  BeaconStage stage;
  gint64 age;

  if (pick (demo, 100) < 75)
    {
      /* Faults: level 1 rare, level 3 and 4 common. */
      static const int level_weights[] = { 1, 1, 2, 2, 2, 3, 3, 3, 3, 3, 4, 4, 4, 4, 4, 4 };
      int level = level_weights[pick (demo, G_N_ELEMENTS (level_weights))];
      const DemoFault *fault;

      do
        fault = &demo_faults[pick (demo, G_N_ELEMENTS (demo_faults))];
      while (fault->level != level);

      draft.kind = BEACON_KIND_FAULT;
      draft.level = level;
      draft.summary = fault->summary;
      draft.symptoms = fault->symptoms;
    }
  else
    {
      guint i = pick (demo, G_N_ELEMENTS (demo_services));

      draft.kind = demo_services[i].kind;
      draft.level = 4;
      draft.summary = demo_services[i].summary;
    }

  if (open)
    stage = pick_open_stage (demo, &age);
  else
    {
      stage = BEACON_STAGE_CLOSED;
      age = between (demo, 14 * DAY, 730 * DAY);
    }

  draft.customer_id = customer->id;
  draft.site_id = site->id;
  draft.channel = channels[pick (demo, G_N_ELEMENTS (channels))];
  draft.accepted_at = demo->now - age;
  draft.fault_at = draft.accepted_at - between (demo, 5 * MINUTE, 40 * MINUTE);

  for (guint i = 0; i < customer->systems->len; i++)
    {
      BeaconSystem *system = g_ptr_array_index (customer->systems, i);

      if (g_strcmp0 (system->site_id, site->id) == 0 && (draft.system_id == NULL || pick (demo, 3) == 0))
        draft.system_id = system->id;
    }
  for (guint i = 0; i < customer->contacts->len; i++)
    {
      BeaconContact *contact = g_ptr_array_index (customer->contacts, i);

      if (g_strcmp0 (contact->site_id, site->id) == 0)
        draft.contact_id = contact->id;
    }

  beacon_store_set_author (demo->store,
                           g_ptr_array_index (demo->operator_ids, pick (demo, demo->operator_ids->len)));

  ticket_id = _beacon_store_create_ticket_id (demo->store, &draft, error);
  if (ticket_id == NULL)
    return FALSE;

  engineer = g_ptr_array_index (demo->engineer_ids, pick (demo, demo->engineer_ids->len));
  json_array_add_string_element (array, engineer);
  if (draft.level <= 2)
    json_array_add_string_element (array, g_ptr_array_index (demo->engineer_ids,
                                                              pick (demo, demo->engineer_ids->len)));
  assignees = json_node_new (JSON_NODE_ARRAY);
  json_node_set_array (assignees, array);
  if (stage != BEACON_STAGE_NEW &&
      !_beacon_store_record (demo->store, "ticket", ticket_id, "assignees", assignees, NULL, error))
    return FALSE;

  beacon_store_set_author (demo->store, engineer);
  steps = plan_history (demo, draft.kind, draft.level, draft.accepted_at, stage);

  for (guint i = 0; i < steps->len; i++)
    {
      Step *step = &g_array_index (steps, Step, i);
      g_autofree char *event_id = _beacon_uuid_new ();
      g_autoptr(JsonObject) payload = NULL;
      gint64 at = MIN (step->at, demo->now - 60);

      if (step->type == BEACON_EVENT_LEVEL_CHANGED)
        {
          payload = json_object_new ();
          json_object_set_int_member (payload, "level", step->level);
          json_object_set_int_member (payload, "from", step->level + 1);
        }

      if (!_beacon_store_record_event (demo->store, event_id, ticket_id, step->type, at,
                                       MIN (at + between (demo, 0, 10 * MINUTE), demo->now),
                                       step->note, payload, error))
        return FALSE;
    }

  return TRUE;
}

/**
 * beacon_store_fill_demo:
 * @n_tickets: how many tickets to create
 * @seed: the same seed gives the same data
 *
 * Fills the store with demo data around the store clock's “now”. About one
 * ticket in twenty is still open, spread over every stage.
 *
 * Returns: %TRUE on success
 */
gboolean
beacon_store_fill_demo (BeaconStore  *self,
                        guint         n_tickets,
                        guint32       seed,
                        GError      **error)
{
  g_autofree char *saved_author = g_strdup (beacon_store_get_author (self));
  Demo demo = { 0 };
  gboolean ok = TRUE;
  const guint batch = 500;

  g_return_val_if_fail (BEACON_IS_STORE (self), FALSE);

  demo.store = self;
  demo.rand = g_rand_new_with_seed (seed);
  demo.now = beacon_store_now (self);
  demo.customers = g_ptr_array_new_with_free_func ((GDestroyNotify) beacon_customer_free);
  demo.engineer_ids = g_ptr_array_new_with_free_func (g_free);
  demo.operator_ids = g_ptr_array_new_with_free_func (g_free);
  demo.supervisor_ids = g_ptr_array_new_with_free_func (g_free);

  ok = create_archive (&demo, error);

  for (guint done = 0; ok && done < n_tickets; done += batch)
    {
      if (!_beacon_store_begin (self, error))
        {
          ok = FALSE;
          break;
        }

      for (guint i = done; ok && i < MIN (done + batch, n_tickets); i++)
        ok = create_ticket (&demo, pick (&demo, 100) < 5, error);

      if (ok)
        ok = _beacon_store_commit (self, error);
      else
        _beacon_store_rollback (self);
    }

  beacon_store_set_author (self, saved_author);
  g_rand_free (demo.rand);
  g_ptr_array_unref (demo.customers);
  g_ptr_array_unref (demo.engineer_ids);
  g_ptr_array_unref (demo.operator_ids);
  g_ptr_array_unref (demo.supervisor_ids);

  return ok;
}
