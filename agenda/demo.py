"""The GOTC 2023 demo program, from the conference's announcement of Baidu's sessions.

Titles, speakers, job titles, organizations and overviews follow the announcement. It gives
no times or rooms: those below are illustrative, chosen so that some forums run in parallel.
"""

import datetime as dt

CONFERENCE = {
    "slug": "2023",
    "name": "GOTC 2023",
    "tagline": "Global Open-source Technology Conference · 27–28 May 2023 · Shanghai",
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
}

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
