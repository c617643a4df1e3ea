"""The GOTC 2023 demo program, from the conference's announcement of Baidu's sessions.

Titles, speakers, job titles, organizations and overviews follow the announcement. It gives
no times or rooms: those below are illustrative, chosen so that some forums run in parallel.
"""

import datetime as dt

CONFERENCE = {
    "slug": "2023",
    "name": "GOTC 2023",
    "tagline": "The open source technology event for developers around the world",
    "description": (
        "The Global Open-source Technology Conference (GOTC) 2023 is co-sponsored by the "
        "OpenAtom Open Source Foundation, the Linux Foundation Asia Pacific, the Shanghai Pudong "
        "Software Park and Open Source China, and is held on May 27–28 at the Zhangjiang Science "
        "Hall in Shanghai.\n\n"
        "This grand open source technology event for developers around the world is the wind vane "
        "of open source in 2023. The conference features industry exhibitions, keynote speeches, "
        "thematic forums and open source bazaars, where attendees discuss hot technology topics "
        "such as the meta-universe, 3D and gaming, eBPF, Web3.0 and blockchain, as well as the "
        "open source community, AIGC, automotive software, AI programming, open source education "
        "and training, and cloud native: the future of open source, and how to help it grow."
    ),
    "start_date": dt.date(2023, 5, 27),
    "end_date": dt.date(2023, 5, 28),
    "time_zone": "Asia/Shanghai",
    "venue": "Zhangjiang Science Hall",
    "address": "Pudong New Area, Shanghai, China",
    "capacity": 2000,
    "is_published": True,
    "accent_color": "#1E3A8A",  # white text on it reads at 10:1
    # How attendees reach the organizers (example addresses: the demo sends nothing real).
    "contact_email": "contact@gotc.example.org",
    "contact_wechat_id": "GOTC_demo",
}

# Registration closes at a conference's end unless organizers say otherwise; the demo says
# otherwise, so that a demo of a past edition can still register people (load_demo_attendees
# and anyone trying the form). Naive: read in the conference's time zone.
REGISTRATION_CLOSES = dt.datetime(2100, 1, 1)

# The four hosts the announcement names: (file name, kind, English name, Chinese name). Their
# logos are plain wordmarks drawn for the demo (static/gotc/demo/), not the organizations' own.
PARTNERS = [
    ("openatom.svg", "host", "OpenAtom Open Source Foundation", "开放原子开源基金会"),
    ("lf-asia-pacific.svg", "host", "Linux Foundation Asia Pacific", "Linux 基金会亚太区"),
    ("pudong-software-park.svg", "host", "Shanghai Pudong Software Park", "上海浦东软件园"),
    ("oschina.svg", "host", "Open Source China", "开源中国"),
]

# (slug, name, seats, display order) — illustrative.
ROOMS = [
    ("main-hall", "Main Hall", 1200, 0),
    ("hall-a", "Hall A", 300, 1),
    ("hall-b", "Hall B", 300, 2),
    ("hall-c", "Hall C", 200, 3),
    ("salon", "Open Source Salon", 40, 4),
]

SPEAKERS = {
    "hou-zhenyu": ("Hou Zhenyu", "Vice President", "Baidu Group"),
    "weihua-di": ("Weihua Di", "Cloud Native Architect", "Baidu"),
    "jingbo": ("Jingbo", "Deputy General Manager and Head of Technology", "Baidu Blockchain"),
    "zhang-jun": (
        "Zhang Jun",
        "Flying Paddle (PaddlePaddle) Framework Product Leader; "
        "OpenAtom Open Source Foundation TOC Member",
        "Baidu",
    ),
    "shiming-zhang": ("Shiming Zhang", "Graph Database Leader", "CVTE Research Institute"),
    "huang-cheng": (
        "Huang Cheng",
        "Director Architect, Internet of Things",
        "Baidu Intelligent Cloud",
    ),
    "jiefeng-sha": ("Jiefeng Sha", "Senior Engineer", "AIR, Baidu"),
}

# Each forum: slug, title, kind, room, day (1 or 2), start, end, description, talks.
# Each talk: slug, title, kind, start, end, speaker slugs, abstract.
FORUMS = [
    {
        "slug": "main-forum",
        "title": "Main Forum",
        "kind": "main",
        "room": "main-hall",
        "day": 1,
        "start": "09:00",
        "end": "12:00",
        "description": "Keynote speeches opening GOTC 2023.",
        "talks": [
            {
                "slug": "big-models-open-new-era-of-ai",
                "title": "Big Models Open New Era of AI",
                "kind": "keynote",
                "start": "09:30",
                "end": "10:00",
                "speakers": ["hou-zhenyu"],
                "abstract": "",
            }
        ],
    },
    {
        "slug": "ebpf",
        "title": "eBPF",
        "kind": "topic",
        "room": "hall-a",
        "day": 1,
        "start": "13:30",
        "end": "17:30",
        "description": "Topic forum on eBPF technology and its practice.",
        "talks": [
            {
                "slug": "ebpf-technology-practice-in-cloud-native",
                "title": "eBPF Technology Practice in Cloud Native Domain",
                "kind": "talk",
                "start": "14:00",
                "end": "14:40",
                "speakers": ["weihua-di"],
                "abstract": (
                    "(1) Introduction to BPF technology; (2) application of BPF technology in "
                    "the cloud native domain; (3) practice of BPF technology in Baidu Cloud Native."
                ),
            }
        ],
    },
    {
        "slug": "web3-meta-universe-worlds",
        "title": "Web3 · Meta-Universe Worlds",
        "kind": "topic",
        "room": "hall-b",
        "day": 1,
        "start": "13:30",
        "end": "17:30",
        "description": "Topic forum on Web3, blockchain and meta-universe worlds.",
        "talks": [
            {
                "slug": "distributed-instant-messaging-on-blockchain",
                "title": (
                    "Distributed Instant Messaging Infrastructure Practice and Application "
                    "Based on Blockchain"
                ),
                "kind": "talk",
                "start": "14:00",
                "end": "14:40",
                "speakers": ["jingbo"],
                "abstract": (
                    "The blockchain-based Web3 community is jointly owned by creators and "
                    "co-builders. The community is no longer controlled by a single platform, and "
                    "the platform no longer has the ability to receive dividends from a well-run "
                    "community that do not match its contribution. At the same time, community "
                    "co-builders can independently choose their own service providers. If the "
                    "server where the community is located no longer provides services one day, "
                    "users can vote to automate the migration of the entire community data and "
                    "code to other service providers, so that the community, which has condensed "
                    "the co-builders' efforts in operating the community, will continue to exist "
                    "and run."
                ),
            }
        ],
    },
    {
        "slug": "ai-is-everywhere",
        "title": "AI is Everywhere",
        "kind": "featured",
        "room": "main-hall",
        "day": 2,
        "start": "09:00",
        "end": "12:00",
        "description": "Featured forum on artificial intelligence, deep learning and big models.",
        "talks": [
            {
                "slug": "deep-learning-platform-big-models-industrial-intelligence",
                "title": (
                    "Deep Learning Platform + Big Models Compacting the Base of Industrial "
                    "Intelligence"
                ),
                "kind": "talk",
                "start": "09:30",
                "end": "10:10",
                "speakers": ["zhang-jun"],
                "abstract": (
                    "This report introduces the progress of Baidu's deep learning platform + big "
                    "model core technology research and development, product innovation and "
                    "ecological construction, taking into account the latest development trend "
                    "of generative AI and Baidu's practice. It also shares the thinking around "
                    "Flying Paddle's (PaddlePaddle's) industrial-grade deep learning open source "
                    "and open platform, and the development of an education ecosystem that "
                    "integrates industry and teaching under the new trend."
                ),
            }
        ],
    },
    {
        "slug": "infrastructure-and-software-architecture",
        "title": "Infrastructure and Software Architecture",
        "kind": "thematic",
        "room": "hall-a",
        "day": 2,
        "start": "09:00",
        "end": "12:00",
        "description": "Thematic forum on infrastructure, storage and software architecture.",
        "talks": [
            {
                "slug": "apache-hugegraph-distributed-storage-and-computing",
                "title": (
                    "Apache HugeGraph Distributed Storage and Computing Open Source Evolution Road"
                ),
                "kind": "talk",
                "start": "10:00",
                "end": "10:40",
                "speakers": ["shiming-zhang"],
                "abstract": (
                    "One year after HugeGraph joined the Apache community, we released the "
                    "official 1.0 version. This year we continue to evolve towards the new 2.0 "
                    "version and promote the integration of the internal version and the open "
                    "source version. We share the current design and implementation of the "
                    "distributed storage and computation part, how to better take part in the "
                    "open source community, and lastly, the future plan."
                ),
            }
        ],
    },
    {
        "slug": "flash-talks",
        "title": "Flash Talks",
        "kind": "flash",
        "room": "salon",
        "day": 2,
        "start": "13:30",
        "end": "15:00",
        "description": "Short talks on open source projects, one after another.",
        "talks": [
            {
                "slug": "baidu-smart-edge-and-mqtt-message-middleware",
                "title": (
                    "Baidu Smart Edge and MQTT Message Middleware Open Source Project Overview"
                ),
                "kind": "flash",
                "start": "13:30",
                "end": "13:45",
                "speakers": ["huang-cheng"],
                "abstract": "",
            },
            {
                "slug": "smart-road-os",
                "title": (
                    "Smart Road OS - Open Source and Open Vehicle-Road-Cloud Integrated "
                    "Intelligent Networked Roadside Operating System"
                ),
                "kind": "flash",
                "start": "13:45",
                "end": "14:00",
                "speakers": ["jiefeng-sha"],
                "abstract": "",
            },
        ],
    },
]

# Chinese texts of the same program (speakers' names stay as the announcement gives them).
ZH = {
    "conference": {
        "name": "GOTC 2023 全球开源技术峰会",
        "tagline": "面向全球开发者的开源技术盛会",
        "description": (
            "全球开源技术峰会（GOTC）2023 由开放原子开源基金会、Linux 基金会亚太区、"
            "上海浦东软件园和开源中国联合发起，于 5 月 27 日至 28 日在上海张江科学会堂举办。\n\n"
            "这场面向全球开发者的开源技术盛会是 2023 年开源的风向标。大会设有行业展览、"
            "主题演讲、专题论坛和开源集市，与会者将探讨元宇宙、3D 与游戏、eBPF、Web3.0、"
            "区块链等热门技术，以及开源社区、AIGC、汽车软件、AI 编程、开源教育与培训、"
            "云原生等热门话题，共话开源的未来，助力开源发展。"
        ),
        "venue": "张江科学会堂",
        "address": "中国上海市浦东新区",
    },
    "rooms": {
        "main-hall": "主会场",
        "hall-a": "A 厅",
        "hall-b": "B 厅",
        "hall-c": "C 厅",
        "salon": "开源沙龙",
    },
    "speakers": {
        "hou-zhenyu": ("副总裁", "百度集团"),
        "weihua-di": ("云原生架构师", "百度"),
        "jingbo": ("副总经理、技术负责人", "百度区块链"),
        "zhang-jun": ("飞桨框架产品负责人；开放原子开源基金会 TOC 成员", "百度"),
        "shiming-zhang": ("图数据库负责人", "CVTE 研究院"),
        "huang-cheng": ("物联网主任架构师", "百度智能云"),
        "jiefeng-sha": ("高级工程师", "百度 AIR"),
    },
    "forums": {
        "main-forum": ("主论坛", "GOTC 2023 开幕主题演讲。"),
        "ebpf": ("eBPF", "eBPF 技术及其实践分论坛。"),
        "web3-meta-universe-worlds": ("Web3 · 元宇宙世界", "Web3、区块链与元宇宙世界分论坛。"),
        "ai-is-everywhere": ("AI 无处不在", "人工智能、深度学习与大模型特色论坛。"),
        "infrastructure-and-software-architecture": (
            "基础设施与软件架构",
            "基础设施、存储与软件架构专题论坛。",
        ),
        "flash-talks": ("闪电演讲", "开源项目短演讲，一个接一个。"),
    },
    "talks": {
        "big-models-open-new-era-of-ai": ("大模型开启 AI 新时代", ""),
        "ebpf-technology-practice-in-cloud-native": (
            "eBPF 技术在云原生领域的实践",
            "（1）BPF 技术简介；（2）BPF 技术在云原生领域的应用；（3）BPF 技术在百度云原生的实践。",
        ),
        "distributed-instant-messaging-on-blockchain": (
            "基于区块链的分布式即时通讯基础设施实践与应用",
            "基于区块链的 Web3 社区由创作者和共建者共同拥有。社区不再由单一平台控制，平台也不再"
            "能够从运营良好的社区中获得与其贡献不匹配的红利。同时，社区共建者可以自主选择自己的"
            "服务商。如果有一天社区所在的服务器不再提供服务，用户可以投票将整个社区的数据和代码"
            "自动迁移到其他服务商，让凝聚了共建者运营心血的社区继续存在和运行。",
        ),
        "deep-learning-platform-big-models-industrial-intelligence": (
            "深度学习平台 + 大模型，夯实产业智能化基座",
            "本报告结合生成式 AI 的最新发展趋势和百度的实践，介绍百度深度学习平台 + 大模型在"
            "核心技术研发、产品创新和生态建设方面的进展，并分享围绕飞桨产业级深度学习开源开放"
            "平台的思考，以及新趋势下产教融合教育生态建设的发展。",
        ),
        "apache-hugegraph-distributed-storage-and-computing": (
            "Apache HugeGraph 分布式存储与计算开源演进之路",
            "HugeGraph 加入 Apache 社区一年后，我们发布了正式的 1.0 版本。今年我们继续向全新的"
            " 2.0 版本演进，推动内部版本与开源版本的融合。本次分享分布式存储与计算部分目前的设计"
            "与实现、如何更好地参与开源社区，以及未来规划。",
        ),
        "baidu-smart-edge-and-mqtt-message-middleware": (
            "百度智能边缘与 MQTT 消息中间件开源项目概览",
            "",
        ),
        "smart-road-os": ("智路 OS——开源开放的车路云一体化智能网联路侧操作系统", ""),
    },
}
