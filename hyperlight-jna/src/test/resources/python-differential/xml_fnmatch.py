import xml.etree.ElementTree as ET
import fnmatch
doc = ET.fromstring('<orders><order id="1" status="paid"><item sku="a" qty="2">Pen</item><item sku="b" qty="1">Ink</item></order>'
                    '<order id="2" status="open"><item sku="a" qty="5">Pen</item></order></orders>')
for order in doc.iter("order"):
    print(order.get("id"), order.attrib, [(i.get("sku"), int(i.get("qty")), i.text) for i in order.findall("item")])
print(sum(int(i.get("qty")) for i in doc.findall(".//item[@sku='a']")), [o.get("id") for o in doc.findall("order[@status='open']")])
root = ET.Element("report", version="1"); ET.SubElement(root, "total").text = "8"; ET.SubElement(root, "note", lang="en").text = "ok & done"
ET.indent(root); print(ET.tostring(root, encoding="unicode"))
try:
    ET.fromstring("<a><b></a>")
except ET.ParseError as e:
    print("ParseError", e.position)
print(fnmatch.fnmatch("report.csv", "*.csv"), fnmatch.filter(["a.py", "b.txt", "c.py"], "*.py"), fnmatch.translate("data_??.json"))
