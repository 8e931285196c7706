"""Tool discovery for catalogs too large to declare: search_tools(query, limit=5) and describe_tool(name), over the
host services the JavaScript guest's functions of the same names use (codeact.tools.search, codeact.tools.describe;
ToolBridge registers them). Their failures are the program's ToolError, as call_tool's are."""
import _codeact
from json import dumps as _dumps, loads as _loads

_host_call = _codeact.host_call


def functions(tool_error):
    """search_tools and describe_tool, raising tool_error(message, what) (boot.py's ToolError, marked as call_tool's
    are, so an uncaught one is TOOL_ERROR)."""

    def service(name, args_json, what):
        ok, reply = _host_call('{"name":' + _dumps(name) + ',"args":' + args_json + "}")
        if not ok:
            raise tool_error(reply, what)
        return _loads(reply) if reply else None

    def search_tools(query, limit=5):
        """The tools whose names and descriptions best match query: a list of {name, description, ...}."""
        if not isinstance(query, str):
            raise TypeError("search_tools(query, limit=5): query must be a string")
        if isinstance(limit, bool) or not isinstance(limit, int):
            raise TypeError("search_tools(query, limit=5): limit must be an int")
        return service("codeact.tools.search", '{"query":' + _dumps(query) + ',"limit":' + str(limit) + "}",
                       "search_tools")

    def describe_tool(name):
        """One tool's full declaration: its name, description and argument schema."""
        if not isinstance(name, str):
            raise TypeError("describe_tool(name): name must be a string")
        return service("codeact.tools.describe", '{"name":' + _dumps(name) + "}", "describe_tool")

    return {"search_tools": search_tools, "describe_tool": describe_tool}
