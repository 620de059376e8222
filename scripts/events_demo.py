# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"""Chinese demo data of the grid events: the configuration's points rule for
verified reports, a category tree from the admitted-matters list (13 classes
of matters in the seeds: here 12 classes, 38 matters, each with its handling
department and time limits per level), a centre on every area (around
Linyi, for the Open311 nearest-grid lookup), two Open311 API clients, and
about 300 events over the last 120 days.

The events go through the real workflow (Event.accept, start, resolve,
record_feedback, reopen, close, reject, mark_duplicate, escalate and the
scheduled Event.escalate_overdue) in time order: a simulated clock walks the
120 days, the escalation task runs at each hour of it, and every step is
taken with the one clock (civic_grid.clock) at its moment, so the steps date
themselves.  Events left too long at a level were escalated by the task
itself, deadlines, on-time flags and the history follow from the category
limits, and the steps still due after today are simply not taken
yet: the recent events are the open ones."""
import datetime as dt
import heapq
import math
from decimal import Decimal

from demo_names import chinese_name
from points_demo import in_new_transaction

# Linyi (临沂), the district's centre
CENTRE = (35.06, 118.35)
# How far (degrees) the children of an area spread around its centre
SPREAD = {
    'street': 0.035, 'community': 0.012, 'big_grid': 0.005,
    'medium_grid': 0.0025, 'small_grid': 0.0012, 'micro_grid': 0.0006,
    }
DAYS = 120
EVENTS = {'tiny': 60, 'demo': 300}
REPORT_RULE = 'reported_issue'
LEVELS = ['grid', 'community', 'street', 'district']

# Hours to accept and to resolve at grid, community, street, district
LIMITS = {
    'standard': [(2, 24), (4, 72), (8, 120), (24, 240)],
    'urgent': [(1, 8), (2, 24), (4, 48), (8, 72)],
    'critical': [(Decimal('0.5'), 4), (1, 12), (2, 24), (4, 48)],
    'dispute': [(4, 72), (8, 120), (24, 168), (48, 240)],
    'service': [(4, 48), (8, 96), (24, 168), (48, 240)],
    'slow': [(4, 48), (8, 120), (24, 240), (48, 480)],
    }

# code, name, department, anonymous, limits, resolutions, matters:
#   code, name, keywords, department (None: the class's), limits (None: the
#   class's), descriptions ({place}: where)
CATEGORIES = [
    ('env', '市容环境', '综合行政执法局（城管）', True, 'standard', [
            '已联系环卫作业人员清理完毕，并对责任人进行了劝导教育。',
            '执法队员到场处置，责令当事人限期整改，现已恢复整洁。',
            '经现场协调，物业已安排保洁人员清理，网格员复查合格。',
            ], [
            ('env_litter', '乱堆乱放', '杂物,堆放,楼道,纸箱', None, None, [
                    '{place}楼道内堆放大量纸箱和废旧家具，影响通行，存在消防隐患。',
                    '{place}门前空地长期堆放建筑垃圾和杂物，无人清理。',
                    ]),
            ('env_stall', '占道经营', '摊贩,占道,早市', None, None, [
                    '{place}附近有流动摊贩占用人行道经营水果，早晚高峰影响行人通行。',
                    '{place}路边烧烤摊夜间占道经营，桌椅摆到机动车道上。',
                    ]),
            ('env_garbage', '垃圾清运', '垃圾,清运,垃圾桶,异味', '环境卫生服务中心',
                None, [
                    '{place}垃圾桶已满溢两天未清运，周边异味较大。',
                    '{place}垃圾分类亭周边散落生活垃圾，招引蚊蝇。',
                    ]),
            ('env_ad', '小广告乱贴乱画', '小广告,涂鸦,牛皮癣', None, None, [
                    '{place}单元门和电线杆上贴满开锁、办证小广告。',
                    '{place}外墙被人喷涂广告电话，影响小区形象。',
                    ]),
            ]),
    ('facility', '公共设施', '住房和城乡建设局', True, 'standard', [
            '已通知市政维修人员到场维修，设施恢复正常使用。',
            '维修班组已更换损坏部件，并设置临时警示标志至验收完成。',
            '已报产权单位处理，维修完毕，网格员现场复核。',
            ], [
            ('facility_light', '路灯损坏', '路灯,照明,不亮', '市政公用事业服务中心',
                None, [
                    '{place}一段路灯连续多晚不亮，夜间行人出行不便。',
                    '{place}楼下庭院灯灯罩脱落，线路外露。',
                    ]),
            ('facility_manhole', '井盖缺失', '井盖,窨井,塌陷', '市政公用事业服务中心',
                'urgent', [
                    '{place}人行道上一处雨水井盖缺失，已有路人险些踩空。',
                    '{place}路口污水井盖破损下陷，车辆经过声响很大。',
                    ]),
            ('facility_road', '道路破损', '坑洼,路面,破损', None, None, [
                    '{place}小区主干道路面坑洼积水，电动车经过容易摔倒。',
                    '{place}人行道地砖松动翘起多处，老人行走不便。',
                    ]),
            ('facility_water', '供水管道漏水', '漏水,水管,停水', '自来水公司', 'urgent', [
                    '{place}地下供水管道破裂，路面持续冒水。',
                    '{place}消火栓漏水，周边地面结冰湿滑。',
                    ]),
            ]),
    ('safety', '安全隐患', '应急管理局', True, 'urgent', [
            '已责令当事人立即整改，隐患已消除，网格员跟踪复查。',
            '联合消防救援大队现场检查，清理堵塞物并开展安全宣传。',
            '已通知专业单位到场处置，隐患排除，现场恢复正常。',
            ], [
            ('safety_exit', '消防通道堵塞', '消防通道,堵塞,占用', '消防救援大队',
                None, [
                    '{place}消防通道被私家车长期占用，消防车无法通行。',
                    '{place}楼梯间安全出口被杂物堵死，疏散门上锁。',
                    ]),
            ('safety_ebike', '电动车违规充电', '飞线充电,电动车,楼道充电',
                '消防救援大队', None, [
                    '{place}有住户从楼上窗户拉电线给电动车飞线充电。',
                    '{place}楼道内多辆电动车停放充电，夜间无人看管。',
                    ]),
            ('safety_gas', '燃气安全隐患', '燃气,煤气,异味,泄漏', '燃气公司',
                'critical', [
                    '{place}楼道内闻到明显燃气味，疑似管道泄漏。',
                    '{place}沿街餐馆违规使用多个液化气罐，摆放在门口。',
                    ]),
            ('safety_fall', '高空坠物隐患', '高空坠物,空调外机,广告牌', None, None, [
                    '{place}外墙空调外机支架锈蚀松动，下方为人行道。',
                    '{place}沿街店铺广告牌一角脱落，大风天随时可能掉下。',
                    ]),
            ]),
    ('dispute', '矛盾纠纷', '司法局（人民调解委员会）', False, 'dispute', [
            '网格员和调解员组织双方当面协商，达成调解协议，矛盾化解。',
            '经社区调解委员会调解，双方各让一步，签订了和解书。',
            '已引导当事人通过法律援助途径解决，并持续跟踪回访。',
            ], [
            ('dispute_neighbour', '邻里纠纷', '邻里,噪音,漏水,纠纷', None, None, [
                    '{place}楼上住户装修漏水到楼下，双方多次争吵，协商未果。',
                    '{place}两户邻居因楼道公共空间使用问题发生口角。',
                    ]),
            ('dispute_property', '物业纠纷', '物业费,物业,纠纷', '住房和城乡建设局（物业科）',
                None, [
                    '{place}多名业主因物业服务质量问题拒交物业费，与物业公司发生争执。',
                    '{place}业主与物业因车位收费标准产生纠纷。',
                    ]),
            ('dispute_family', '家庭矛盾', '家庭,赡养,婚姻', '妇联', None, [
                    '{place}一户老人反映子女不履行赡养义务，生活困难。',
                    '{place}一户夫妻经常争吵，邻居担心发生过激行为。',
                    ]),
            ('dispute_wage', '劳资纠纷', '欠薪,工资,劳资', '人力资源和社会保障局', None, [
                    '{place}附近工地十余名工人反映被拖欠三个月工资。',
                    '{place}一家餐馆员工离职后工资未结清，多次讨要无果。',
                    ]),
            ]),
    ('livelihood', '民生服务', '民政局', True, 'service', [
            '网格员上门了解情况，协助办理相关手续，已落实帮扶措施。',
            '已对接社区卫生服务站和志愿者，安排定期上门服务。',
            '已向居民解释政策并协助提交申请材料，等待审批结果。',
            ], [
            ('livelihood_elderly', '困难老人帮扶', '独居老人,空巢,帮扶', None, None, [
                    '{place}独居老人行动不便，近期无人照料，需要助餐服务。',
                    '{place}一位空巢老人家中暖气不热，希望社区帮忙联系维修。',
                    ]),
            ('livelihood_assist', '社会救助咨询', '低保,救助,困难', None, None, [
                    '{place}一户家庭因病致贫，咨询低保申请条件。',
                    '{place}残疾人家庭咨询两项补贴办理流程。',
                    ]),
            ('livelihood_insurance', '社保医保办理', '医保,社保,养老', '医疗保障局',
                None, [
                    '{place}居民反映医保异地备案不会在手机上操作。',
                    '{place}多位老人咨询城乡居民养老保险缴费事宜。',
                    ]),
            ]),
    ('property', '物业管理', '住房和城乡建设局（物业科）', True, 'standard', [
            '已约谈物业公司负责人，物业承诺整改并已落实到位。',
            '红色物业联席会议协调解决，物业已完成维修。',
            '物业服务中心已安排专人处理，业主确认问题解决。',
            ], [
            ('property_lift', '电梯故障', '电梯,困人,故障', '市场监督管理局（特种设备）',
                'urgent', [
                    '{place}电梯频繁故障停运，高层老人上下楼困难。',
                    '{place}电梯运行时异响抖动，居民担心安全。',
                    ]),
            ('property_service', '物业服务不到位', '保洁,保安,物业服务', None, None, [
                    '{place}楼道长期无人保洁，门禁损坏一个月未修。',
                    '{place}小区绿化无人修剪，健身器材损坏无人管理。',
                    ]),
            ('property_parking', '小区停车管理', '停车,车位,道闸', None, None, [
                    '{place}小区外来车辆随意进入，居民车位被占。',
                    '{place}小区道闸损坏，车辆乱停堵塞消防通道。',
                    ]),
            ]),
    ('building', '违章建筑', '综合行政执法局（城管）', True, 'slow', [
            '执法部门下达限期拆除通知书，当事人已自行拆除。',
            '经街道联合执法，违建已依法拆除，现场恢复原貌。',
            ], [
            ('building_illegal', '私搭乱建', '违建,搭建,阳光房', None, None, [
                    '{place}一楼住户在公共绿地上私自搭建阳光房。',
                    '{place}楼顶有人正在用彩钢板搭建房屋。',
                    ]),
            ('building_structure', '破坏房屋承重结构', '装修,承重墙,拆墙',
                '住房和城乡建设局', 'urgent', [
                    '{place}有住户装修时拆除承重墙，楼下住户发现墙体裂缝。',
                    '{place}底商装修擅自开挖地下室，相邻住户担心房屋安全。',
                    ]),
            ]),
    ('ecology', '生态环境', '生态环境分局', True, 'standard', [
            '环保执法人员现场检查，责令商户安装油烟净化设备。',
            '已协调施工单位调整作业时间，夜间停止高噪声施工。',
            '已通知相关单位清理污染物，并对排污口进行封堵。',
            ], [
            ('ecology_noise', '噪声扰民', '噪音,施工,广场舞', None, None, [
                    '{place}附近工地夜间十一点以后仍在施工，噪音很大。',
                    '{place}广场舞音响音量过大，影响周边居民休息。',
                    ]),
            ('ecology_smoke', '油烟污染', '油烟,烧烤,餐饮', None, None, [
                    '{place}楼下饭店油烟直排，居民不敢开窗。',
                    '{place}露天烧烤烟雾很大，飘进居民家中。',
                    ]),
            ('ecology_water', '河道污染', '河道,污水,排污', '水利局', None, [
                    '{place}旁边的排水沟有污水直排入河，水面发黑发臭。',
                    '{place}河道内漂浮大量垃圾和水草。',
                    ]),
            ]),
    ('traffic', '交通秩序', '公安交警大队', True, 'standard', [
            '交警到场处置，对违停车辆依法处理并张贴告知单。',
            '已协调交警和物业在路口增设隔离设施和停车引导。',
            '信号灯已由交通设施维护单位修复。',
            ], [
            ('traffic_parking', '机动车违停', '违停,乱停车,堵路', None, None, [
                    '{place}路口机动车违停严重，公交车无法进站。',
                    '{place}学校门口接送车辆乱停，上下学时段拥堵。',
                    ]),
            ('traffic_signal', '交通信号灯故障', '红绿灯,信号灯,故障', None, 'urgent', [
                    '{place}路口红绿灯不亮，车辆抢行很危险。',
                    '{place}人行横道信号灯时间太短，老人过不去马路。',
                    ]),
            ('traffic_bike', '非机动车乱停放', '共享单车,电动车,乱停', None, None, [
                    '{place}地铁口共享单车堆积，占满人行道和盲道。',
                    '{place}商场门口电动车乱停放，挡住出入口。',
                    ]),
            ]),
    ('security', '社会治安', '公安分局（辖区派出所）', True, 'urgent', [
            '已移交辖区派出所处置，民警到场核查并开展防范宣传。',
            '网格员会同社区民警上门走访，已落实管控措施。',
            ], [
            ('security_fraud', '电信诈骗线索', '诈骗,电话,转账', None, None, [
                    '{place}有老人接到自称公检法的电话要求转账，家属担心受骗。',
                    '{place}有人在小区门口摆摊推销保健品，疑似诈骗老人。',
                    ]),
            ('security_suspicious', '可疑情况', '可疑,陌生人,撬锁', None, None, [
                    '{place}最近夜间有陌生人在车棚附近徘徊，多辆电动车电瓶被盗。',
                    '{place}出租屋人员进出频繁，邻居怀疑有违法活动。',
                    ]),
            ('security_homeless', '流浪乞讨人员', '流浪,乞讨,救助', '民政局（救助站）',
                None, [
                    '{place}桥洞下有一名流浪人员，天气转冷需要救助。',
                    '{place}有一名老人迷路，说不清家庭住址。',
                    ]),
            ]),
    ('market', '市场监管', '市场监督管理局', True, 'service', [
            '市场监管所执法人员现场检查，责令停业整改并立案调查。',
            '已对经营者进行约谈，商家承诺整改，并退还消费者差价。',
            ], [
            ('market_food', '食品安全', '过期,食品,卫生', None, 'urgent', [
                    '{place}一家小超市在售过期牛奶和零食。',
                    '{place}早餐店后厨卫生条件很差，员工无健康证。',
                    ]),
            ('market_unlicensed', '无证经营', '无照,无证,黑作坊', None, None, [
                    '{place}居民楼内有人开设无证棋牌室，夜间吵闹。',
                    '{place}出租屋内疑似有无证食品加工小作坊。',
                    ]),
            ('market_price', '价格欺诈', '价格,欺诈,缺斤短两', None, None, [
                    '{place}菜市场个别摊位缺斤短两，居民多次反映。',
                    '{place}药店标价与结算价格不一致。',
                    ]),
            ]),
    ('greening', '园林绿化', '城市园林绿化服务中心', True, 'service', [
            '园林养护人员已到场修剪、清理，现场恢复整洁。',
            '已责令当事人恢复绿地原貌，并补种绿植。',
            ], [
            ('greening_tree', '树木倒伏', '倒伏,树枝,断枝', None, 'urgent', [
                    '{place}大风后一棵行道树倒伏，压住了路边车辆。',
                    '{place}树木枯枝悬挂在人行道上方，随时可能掉落。',
                    ]),
            ('greening_damage', '毁绿种菜', '毁绿,种菜,绿地', None, None, [
                    '{place}有居民在公共绿地上开荒种菜，破坏绿化。',
                    '{place}绿化带被人为踩踏毁坏，形成一条小路。',
                    ]),
            ]),
    ]

# The top categories each source tends to report, with weights
SOURCE_CATEGORIES = {
    'patrol': {'env': 5, 'facility': 4, 'safety': 4, 'traffic': 3,
        'building': 2, 'ecology': 2, 'greening': 2, 'security': 1,
        'market': 1},
    'resident': {'env': 3, 'facility': 3, 'property': 3, 'ecology': 3,
        'dispute': 2, 'livelihood': 2, 'safety': 2, 'traffic': 1,
        'security': 1},
    'rider': {'traffic': 4, 'facility': 3, 'safety': 3, 'env': 2,
        'security': 1, 'greening': 1},
    'hotline': {'ecology': 3, 'property': 3, 'dispute': 3, 'market': 2,
        'livelihood': 2, 'facility': 2, 'env': 2, 'traffic': 1,
        'building': 1},
    'visit': {'livelihood': 5, 'dispute': 3, 'safety': 2, 'property': 1,
        'security': 1},
    'property': {'property': 5, 'safety': 2, 'dispute': 2, 'facility': 1,
        'building': 1},
    'app': {'env': 3, 'facility': 3, 'traffic': 2, 'ecology': 2,
        'property': 2, 'safety': 1, 'greening': 1, 'market': 1},
    }
SOURCES = {'patrol': 28, 'resident': 18, 'rider': 10, 'hotline': 16,
    'visit': 8, 'property': 7, 'app': 13}
RIDERS = ['王师傅', '李建军', '张海涛', '刘磊', '陈志强', '赵永刚']
RIDER_PLATFORMS = ['美团骑手', '饿了么骑手', '顺丰快递员', '京东快递员']
PLACES = ['东门', '南门', '北侧', '西侧', '楼下', '门口', '停车场', '车棚',
    '广场', '公交站旁', '路口', '小区内', '单元门口']
FEEDBACK = {
    5: ['处理很及时，非常满意！', '网格员态度好，问题解决得很彻底。', '点赞，效率很高。',
        None],
    4: ['问题已解决，总体满意。', '处理还可以，就是时间稍长。', None],
    3: ['基本解决了，希望以后多巡查。', '一般，问题可能还会反复。'],
    2: ['处理不彻底，问题还在。', '回复太慢，不太满意。'],
    1: ['问题根本没解决，很不满意。', '只打了个电话，没人来现场处理。'],
    }
REJECTIONS = [
    '经核实，该事项不属于网格事项准入清单范围，已告知反映人向相关部门咨询。',
    '网格员现场核实，未发现所反映的问题。',
    '上报信息不全，多次联系反映人未果，无法核实。',
    ]
CLIENTS = [
    # name, key, source
    ('居民端应用', 'demo-resident-app', 'app'),
    ('12345热线', 'demo-hotline-12345', 'hotline'),
    ]


class Plan:
    "What happens to one event, and where it is in its simulated life"

    def __init__(self, index, values, category, fate, behaviours):
        self.index = index
        self.values = values
        self.category = category
        self.fate = fate
        self.behaviours = behaviours
        self.id = None
        self.level = 'grid'
        self.entered = 0  # levels entered so far
        self.version = 0
        self.reopened = False
        self.master = None
        self.satisfaction = None


class EventsDemo:

    def __init__(self, random, commit, size='demo'):
        self.random = random
        self.commit = commit
        self.count = EVENTS.get(size, EVENTS['demo'])

    def run(self):
        self.now = dt.datetime.now().replace(microsecond=0)
        self.commit()
        for step in (self.make_configuration, self.make_categories,
                self.make_centres, self.make_clients, self.make_events):
            in_new_transaction(step)
        return self.summary

    # --- set-up ----------------------------------------------------------
    def make_configuration(self):
        from trytond.pool import Pool
        pool = Pool()
        Configuration = pool.get('civic.event.configuration')
        Rule = pool.get('civic.points.rule')
        rules = Rule.search([('code', '=', REPORT_RULE)], limit=1)
        configuration = Configuration(1)
        configuration.report_rule = rules[0] if rules else None
        configuration.save()

    def make_categories(self):
        from trytond.pool import Pool
        pool = Pool()
        Category = pool.get('civic.event.category')
        ModelData = pool.get('ir.model.data')

        def limits(name):
            return [('create', [{
                            'level': level, 'accept_hours': Decimal(accept),
                            'resolve_hours': Decimal(resolve),
                            } for level, (accept, resolve) in zip(
                            LEVELS, LIMITS[name])])]

        def role(code):
            try:
                return ModelData.get_id('civic_grid', 'role_' + code)
            except KeyError:
                return None
        vlist = []
        for (code, name, department, anonymous, limit, _, matters
                ) in CATEGORIES:
            vlist.append({
                    'code': code, 'name': name, 'department': department,
                    'anonymous': anonymous, 'limits': limits(limit),
                    'role': role('grid_leader' if code in {
                            'dispute', 'building'} else 'grid_worker'),
                    'description': f'网格事项准入清单：{name}类事项，'
                    f'由{department}牵头处置。',
                    'children': [('create', [{
                                    'code': m_code, 'name': m_name,
                                    'keywords': keywords,
                                    'department': m_department or department,
                                    'anonymous': anonymous,
                                    'limits': (limits(m_limit) if m_limit
                                        else []),
                                    } for (m_code, m_name, keywords,
                                        m_department, m_limit, _)
                                in matters])],
                    })
        Category.create(vlist)

    def make_centres(self):
        "A centre on every area: children spread around their parent's"
        from trytond.pool import Pool
        Area = Pool().get('civic.area')
        areas = Area.search([], order=[('path', 'ASC'), ('id', 'ASC')])
        children = {}
        for area in areas:
            children.setdefault(area.parent.id if area.parent else None,
                []).append(area)
        to_write = []
        queue = [(None, CENTRE)]
        while queue:
            parent, (latitude, longitude) = queue.pop()
            siblings = children.get(parent, [])
            turn = self.random.random() * 2 * math.pi
            for index, area in enumerate(siblings):
                if parent is None:
                    centre = (latitude, longitude)
                else:
                    spread = SPREAD.get(area.level.code, 0.0005)
                    angle = turn + 2 * math.pi * index / len(siblings)
                    distance = spread * (0.6 + 0.4 * self.random.random())
                    centre = (latitude + distance * math.sin(angle),
                        longitude + distance * math.cos(angle)
                        / math.cos(math.radians(latitude)))
                to_write.extend([[area], {
                            'latitude': round(centre[0], 6),
                            'longitude': round(centre[1], 6),
                            }])
                queue.append((area.id, centre))
        if to_write:
            Area.write(*to_write)

    def make_clients(self):
        "The demo Open311 API clients, when the API is there"
        from trytond.pool import Pool
        pool = Pool()
        try:
            Client = pool.get('civic.event.api.client')
        except KeyError:
            return
        if not {'name', 'key', 'source', 'default_area'} <= set(
                Client._fields):
            return
        Area = pool.get('civic.area')
        county = Area.search([('code', '=', 'D01')], limit=1)
        existing = {c.key for c in Client.search([
                    ('key', 'in', [c[1] for c in CLIENTS]),
                    ('active', 'in', [True, False]),
                    ])}
        Client.create([{
                    'name': name, 'key': key, 'source': source,
                    'default_area': county[0].id if county else None,
                    } for name, key, source in CLIENTS
                if key not in existing])

    # --- the events ------------------------------------------------------
    def make_events(self):
        from trytond.pool import Pool
        pool = Pool()
        self.Event = pool.get('civic.event')
        self.load_context()
        self.plans = self.plan_events()
        self.create_events()
        self.simulate()
        self.summary = self.count_states()

    def load_context(self):
        from trytond.pool import Pool
        pool = Pool()
        Area = pool.get('civic.area')
        Category = pool.get('civic.event.category')
        Party = pool.get('party.party')
        Building = pool.get('civic.building')
        Appointment = pool.get('civic.appointment')
        ModelData = pool.get('ir.model.data')
        self.grids = Area.search([('level.code', '=', 'micro_grid')],
            order=[('code', 'ASC')])
        self.categories = {c.code: c for c in Category.search([])}
        self.matters = {}
        for code, *_, matters in CATEGORIES:
            self.matters[code] = [self.categories[m[0]] for m in matters]
        self.descriptions = {m[0]: m[5] for *_, matters in CATEGORIES
            for m in matters}
        self.resolutions = {c[0]: c[5] for c in CATEGORIES}
        self.buildings = {b.area.id: b for b in Building.search([])}
        residents = Party.search([('household', '!=', None)],
            order=[('id', 'ASC')])
        self.residents = {}
        for party in residents:
            self.residents.setdefault(party.household.area.id, []).append(
                party)
        self.workers = {}
        try:
            role = ModelData.get_id('civic_grid', 'role_grid_worker')
        except KeyError:
            role = None
        if role:
            for appointment in Appointment.search([('role', '=', role)]):
                self.workers[appointment.area.id] = appointment.party.name
        self.riders = self.make_riders()
        self.clients = {}
        try:
            Client = pool.get('civic.event.api.client')
        except KeyError:
            Client = None
        if Client and 'api_client' in self.Event._fields:
            for client in Client.search([
                        ('key', 'in', [c[1] for c in CLIENTS])]):
                self.clients[client.source] = client.id

    def make_riders(self):
        "Delivery riders who report what they see (parties, no household)"
        from trytond.pool import Pool
        Party = Pool().get('party.party')
        return Party.create([{'name': name} for name in RIDERS])

    def pick_grid(self):
        "Micro grids, the first community's (the demo users') more often"
        first = [g for g in self.grids if g.code.startswith('D01S01C01')]
        if first and self.random.random() < .2:
            return self.random.choice(first)
        return self.random.choice(self.grids)

    def reported_time(self):
        # A few more reports lately (the app's users grow)
        ago = self.random.choices(range(DAYS),
            weights=[2 - d / DAYS for d in range(DAYS)])[0]
        day = self.now.date() - dt.timedelta(days=ago)
        hour = self.random.choices(range(24), weights=[
                1, 1, 1, 1, 1, 2, 4, 8, 12, 14, 14, 12, 8, 9, 12, 12, 12,
                11, 10, 9, 7, 5, 3, 2])[0]
        moment = dt.datetime.combine(day, dt.time(hour,
                self.random.randrange(60), self.random.randrange(60)))
        if moment > self.now:
            moment = self.now - dt.timedelta(
                minutes=self.random.randrange(5, 600))
        return moment

    def place(self, grid):
        building = self.buildings.get(grid.id)
        if building:
            compound = building.compound
            address = (f'{compound.address or ""}{compound.name}'
                f'{building.name}')
            return f'{compound.name}{building.name}', address
        road = self.random.choice(['人民路', '沂蒙路', '解放路', '通达路',
                '金雀山路', '银雀山路', '北京路', '上海路'])
        number = self.random.randrange(1, 400)
        return f'{road}{number}号', f'{road}{number}号'

    def phone(self):
        return self.random.choice(['138', '139', '150', '158', '186',
                '187']) + '%08d' % self.random.randrange(10 ** 8)

    def plan_events(self):
        r = self.random
        plans = []
        used = set()  # (party, date): at most one award a day each
        for index in range(self.count):
            source = r.choices(list(SOURCES), weights=SOURCES.values())[0]
            weights = SOURCE_CATEGORIES[source]
            top = r.choices(list(weights), weights=weights.values())[0]
            category = r.choice(self.matters[top])
            grid = self.pick_grid()
            reported_at = self.reported_time()
            short, address = self.place(grid)
            spot = r.choice(PLACES)
            description = r.choice(self.descriptions[category.code]).format(
                place=short + spot)
            values = {
                'reported_at': reported_at,
                'source': source,
                'category': category.id,
                'description': description,
                'area': grid.id,
                'address': address + spot,
                'priority': r.choices(['low', 'normal', 'high', 'urgent'],
                    weights=[10, 65, 18, 7])[0],
                }
            if top == 'safety' and values['priority'] in {'low', 'normal'}:
                values['priority'] = 'high'
            if source != 'hotline' or r.random() < .5:
                # Hotline calls often give only an address
                latitude, longitude = grid.latitude, grid.longitude
                if latitude is not None:
                    values['latitude'] = round(
                        latitude + r.uniform(-.0004, .0004), 6)
                    values['longitude'] = round(
                        longitude + r.uniform(-.0005, .0005), 6)
            self.reporter(values, source, grid, category, used)
            if source in self.clients:
                values['api_client'] = self.clients[source]
                if source == 'app':
                    values['device_id'] = 'android-%012x' % r.randrange(
                        16 ** 12)
                    values['account_id'] = 'wx_o%010x' % r.randrange(
                        16 ** 10)
                    if r.random() < .4:
                        values['media_url'] = (
                            'https://example.com/civic-demo/photos/'
                            f'{index + 1:04d}.jpg')
            plans.append(self.plan(index, values, category))
        self.add_duplicates(plans, used)
        plans.sort(key=lambda p: p.values['reported_at'])
        return plans

    def reporter(self, values, source, grid, category, used):
        r = self.random
        date = values['reported_at'].date()
        anonymous_ok = category.anonymous

        def party_from(candidates):
            candidates = [p for p in candidates if (p.id, date) not in used]
            if not candidates:
                return None
            party = r.choice(candidates)
            used.add((party.id, date))
            return party
        if source in {'patrol', 'visit'}:
            small = grid.parent
            values['reporter_name'] = self.workers.get(
                small.id if small else None) or '网格员'
            values['reporter_phone'] = self.phone()
        elif source in {'resident', 'app'}:
            if anonymous_ok and r.random() < .25:
                values['anonymous'] = True
                return
            party = party_from(self.residents.get(grid.id, [])
                if r.random() < .8 else [p for ps in self.residents.values()
                    for p in ps])
            if party and r.random() < .85:
                values['reporter'] = party.id
                values['reporter_name'] = party.name
                phone = getattr(party, 'resident_phone', None)
                if phone:
                    values['reporter_phone'] = phone
            else:
                values['reporter_name'] = self.random_name()
                values['reporter_phone'] = self.phone()
        elif source == 'rider':
            party = party_from(self.riders)
            if party:
                values['reporter'] = party.id
                values['reporter_name'] = (
                    f'{r.choice(RIDER_PLATFORMS)} {party.name}')
            else:
                values['reporter_name'] = r.choice(RIDER_PLATFORMS)
            values['reporter_phone'] = self.phone()
        elif source == 'hotline':
            if anonymous_ok and r.random() < .2:
                values['anonymous'] = True
                return
            values['reporter_name'] = self.random_name()[0] + r.choice(
                ['先生', '女士'])
            values['reporter_phone'] = self.phone()
        elif source == 'property':
            values['reporter_name'] = r.choice(
                ['和平物业服务中心', '红色物业管家', '物业客服'])
            values['reporter_phone'] = '0539-8%06d' % r.randrange(10 ** 6)

    def random_name(self):
        return chinese_name(self.random)

    def plan(self, index, values, category):
        """The fate of an event and how its handlers behave at each level:
        handle (in time), late_accept / late_resolve (the task escalates
        it), manual (the handler escalates it)"""
        r = self.random
        fate = r.choices(['close', 'close_plain', 'reject', 'reopen',
                'stuck'], weights=[77, 9, 5, 3, 4])[0]
        if values['source'] in {'patrol'} and fate == 'close':
            # Nobody to ask: closed after the grid worker's own check
            fate = 'close_plain' if r.random() < .5 else 'close'
        behaviours = []
        if fate == 'stuck':
            behaviours = ['late_resolve', 'late_accept', 'late_resolve',
                'stuck']
        elif fate != 'reject':
            roll = r.random()
            if roll < .07:
                behaviours = ['late_accept']
            elif roll < .11:
                behaviours = ['late_resolve']
            elif roll < .13:
                behaviours = ['late_accept', 'late_accept']
            elif roll < .145:
                behaviours = ['late_resolve', 'late_accept', 'late_accept']
            elif roll < .20 and category.parent.code in {
                    'dispute', 'building', 'property'}:
                behaviours = ['manual']
        plan = Plan(index, values, category, fate, behaviours)
        if fate == 'reopen':
            plan.satisfaction = r.choice([1, 2, 2])
        else:
            plan.satisfaction = r.choices([5, 4, 3, 2, 1],
                weights=[56, 30, 9, 3, 2])[0]
        return plan

    def add_duplicates(self, plans, used):
        "Second reports of the same matter near the same place"
        r = self.random
        masters = r.sample([p for p in plans if p.fate != 'reject'],
            max(1, len(plans) // 25))
        for master in masters:
            values = dict(master.values)
            gap = dt.timedelta(minutes=r.randrange(20, 36 * 60))
            values['reported_at'] = values['reported_at'] + gap
            if values['reported_at'] >= self.now:
                continue
            for name in ['reporter', 'reporter_name', 'reporter_phone',
                    'anonymous', 'api_client', 'device_id', 'account_id',
                    'media_url']:
                values.pop(name, None)
            values['source'] = r.choice(['resident', 'hotline', 'app'])
            if values['source'] in self.clients:
                values['api_client'] = self.clients[values['source']]
            if values.get('latitude') is not None:
                values['latitude'] = round(
                    values['latitude'] + r.uniform(-.0003, .0003), 6)
                values['longitude'] = round(
                    values['longitude'] + r.uniform(-.0003, .0003), 6)
            values['description'] = '又有居民反映：' + values['description']
            values['reporter_name'] = self.random_name()
            values['reporter_phone'] = self.phone()
            plan = Plan(len(plans), values, master.category, 'duplicate', [])
            plan.master = master
            plans.append(plan)

    def create_events(self):
        Event = self.Event
        events = Event.create([p.values for p in self.plans])
        for plan, event in zip(self.plans, events):
            plan.id = event.id
        self.by_id = {p.id: p for p in self.plans}

    # --- the simulated clock ---------------------------------------------
    def simulate(self):
        self.limit_cache = {}
        self.queue = []
        self.sequence = 0
        for plan in self.plans:
            self.enter_level(plan, plan.values['reported_at'])
        first = min(p.values['reported_at'] for p in self.plans)
        tick = first.replace(minute=7, second=0) + dt.timedelta(hours=1)
        while tick < self.now:
            self.schedule(tick, None, 'tick')
            tick += dt.timedelta(hours=1)
        self.schedule(self.now, None, 'tick')
        self.steps = 0
        while self.queue:
            moment, _, plan, version, action = heapq.heappop(self.queue)
            if action == 'tick':
                self.tick(moment)
            elif plan.version == version:
                getattr(self, 'do_' + action)(plan, moment)
                self.steps += 1

    def schedule(self, moment, plan, action):
        moment = moment.replace(microsecond=0)
        if moment > self.now:
            return  # still to come: the event stays where it is
        self.sequence += 1
        heapq.heappush(self.queue, (moment, self.sequence, plan,
                plan.version if plan else None, action))

    def limit(self, plan):
        "The category's (accept, resolve) hours at the plan's level"
        key = plan.category.id, plan.level
        if key not in self.limit_cache:
            self.limit_cache[key] = plan.category.limit(plan.level)
        return self.limit_cache[key]

    def limits(self, plan):
        accept, resolve = self.limit(plan)
        return (float(accept) if accept else 24.0,
            float(resolve) if resolve else 240.0)

    def behaviour(self, plan):
        if plan.entered < len(plan.behaviours):
            behaviour = plan.behaviours[plan.entered]
        else:
            behaviour = 'handle'
        if plan.level == 'district' and behaviour != 'stuck':
            behaviour = 'handle'  # nothing above: handled, late or not
        return behaviour

    def enter_level(self, plan, moment):
        r = self.random
        accept, _ = self.limits(plan)
        plan.level_started = moment
        behaviour = self.behaviour(plan)
        if behaviour == 'late_accept':
            return  # the task will move it up
        delay = dt.timedelta(hours=accept * r.uniform(.05, .85))
        if plan.entered == 0 and plan.fate == 'reject':
            self.schedule(moment + delay, plan, 'reject')
        elif plan.entered == 0 and plan.fate == 'duplicate':
            self.schedule(moment + delay, plan, 'duplicate')
        else:
            self.schedule(moment + delay, plan, 'accept')

    def resolve_time(self, plan, moment):
        "A time before the resolve deadline of the current level"
        _, resolve = self.limits(plan)
        deadline = plan.level_started + dt.timedelta(hours=resolve)
        span = (deadline - moment).total_seconds()
        share = self.random.uniform(.1, .8)
        if plan.level == 'district' and self.random.random() < .4:
            share = self.random.uniform(1.05, 1.6)  # the big loop is slow
        return moment + dt.timedelta(seconds=max(span, 600) * share)

    # --- the steps, as the handlers take them ----------------------------
    def act(self, moment, method, plans):
        "Take the workflow step on the plans' events with the clock at moment"
        from trytond.transaction import Transaction

        from civic_grid.clock import CLOCK_KEY
        with Transaction().set_context({CLOCK_KEY: moment}):
            method(self.Event.browse([p.id for p in plans]))

    def write(self, plan, values):
        self.Event.write([self.Event(plan.id)], values)

    def do_accept(self, plan, moment):
        self.act(moment, self.Event.accept, [plan])
        behaviour = self.behaviour(plan)
        r = self.random
        started = moment + dt.timedelta(minutes=r.randrange(5, 90))
        if behaviour in {'late_resolve', 'stuck'} or r.random() < .85:
            self.schedule(started, plan, 'start')
        if behaviour == 'manual':
            self.schedule(self.resolve_time(plan, started), plan, 'escalate')
        elif behaviour not in {'late_resolve', 'stuck'}:
            self.schedule(self.resolve_time(plan, started), plan, 'resolve')

    def do_start(self, plan, moment):
        if self.Event(plan.id).state == 'accepted':
            self.act(moment, self.Event.start, [plan])

    def do_resolve(self, plan, moment):
        self.write(plan, {'resolution': self.random.choice(
                    self.resolutions[plan.category.parent.code])})
        self.act(moment, self.Event.resolve, [plan])
        r = self.random
        if plan.fate == 'close_plain':
            self.schedule(moment + dt.timedelta(hours=r.uniform(2, 30)),
                plan, 'close')
        else:
            # The reporter is called back, sooner or later
            self.schedule(moment + dt.timedelta(
                    hours=r.choice([r.uniform(1, 24), r.uniform(12, 120)])),
                plan, 'feedback')

    def do_feedback(self, plan, moment):
        satisfaction = plan.satisfaction
        if plan.reopened:
            satisfaction = self.random.choice([4, 5])
        comment = self.random.choice(FEEDBACK[satisfaction])
        self.act(moment, lambda events: self.Event.record_feedback(
                events, satisfaction, comment), [plan])
        r = self.random
        if plan.fate == 'reopen' and not plan.reopened:
            self.schedule(moment + dt.timedelta(hours=r.uniform(1, 24)),
                plan, 'reopen')
        else:
            self.schedule(moment + dt.timedelta(hours=r.uniform(1, 72)),
                plan, 'close')

    def do_reopen(self, plan, moment):
        self.act(moment, self.Event.reopen, [plan])
        plan.reopened = True
        plan.level_started = moment
        self.schedule(self.resolve_time(plan, moment), plan, 'resolve')

    def do_close(self, plan, moment):
        self.act(moment, self.Event.close, [plan])

    def do_reject(self, plan, moment):
        self.write(plan, {'rejection_reason': self.random.choice(REJECTIONS)})
        self.act(moment, self.Event.reject, [plan])

    def do_duplicate(self, plan, moment):
        master = self.Event(plan.master.id)
        if master.state == 'duplicate':
            self.schedule(moment, plan, 'accept')
            return
        self.write(plan, {'duplicate_of': master.id})
        self.act(moment, self.Event.mark_duplicate, [plan])

    def do_escalate(self, plan, moment):
        "The handler moves it up: beyond the grid's means"
        self.act(moment, self.Event.escalate, [plan])
        self.escalated(plan, moment)
        self.enter_level(plan, moment)

    def tick(self, moment):
        "The scheduled task, run at moment"
        from trytond.transaction import Transaction

        from civic_grid.clock import CLOCK_KEY
        with Transaction().set_context({CLOCK_KEY: moment}):
            if not self.Event.escalate_overdue():
                return
        for event in self.Event.search([('level', '!=', 'grid')]):
            plan = self.by_id.get(event.id)
            if plan and plan.level != event.level:
                self.escalated(plan, moment)
                self.enter_level(plan, moment)

    def escalated(self, plan, moment):
        plan.version += 1
        plan.entered += 1
        plan.level = LEVELS[min(LEVELS.index(plan.level) + 1, 3)]
        plan.level_started = moment

    # --- helpers -----------------------------------------------------------
    def count_states(self):
        from trytond.pool import Pool
        History = Pool().get('civic.event.history')
        events = self.Event.search([])
        states = {}
        for event in events:
            states[event.state] = states.get(event.state, 0) + 1
        escalated = History.search_count(
            [('action', '=', 'auto_escalate')])
        return {'events': len(events), 'states': states,
            'auto_escalations': escalated,
            'awards': sum(1 for e in events if e.points_line)}
