# This file is part of Civic Grid.  Licensed under the GNU GPL v3 or later.
"Chinese names for the demo data of every module"

SURNAMES = ('王李张刘陈杨黄赵吴周徐孙马朱胡郭何高林罗郑梁谢宋唐许韩冯邓曹彭'
    '曾肖田董袁潘于蒋蔡余杜叶程苏魏吕丁任沈姚卢姜崔钟谭陆汪范金石廖贾夏韦')
GIVEN = ('伟芳娜秀英敏静丽强磊军洋勇艳杰娟涛明超秀兰霞平刚桂英华玉兰建国'
    '建华志强海燕红梅淑珍德明文博思远雨欣子涵浩然佳怡俊杰晓东春梅国庆')


def chinese_name(random, two_characters=.6):
    "A surname and one given character, or two with that probability"
    given = random.choice(GIVEN)
    if random.random() < two_characters:
        given += random.choice(GIVEN)
    return random.choice(SURNAMES) + given
